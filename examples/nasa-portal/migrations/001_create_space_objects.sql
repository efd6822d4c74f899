-- Up migration
CREATE TABLE space_objects (
    id SERIAL PRIMARY KEY,
    nasa_id VARCHAR(50) UNIQUE NOT NULL,
    name VARCHAR(255) NOT NULL,
    object_type VARCHAR(50) NOT NULL,
    description TEXT,
    discovery_date DATE,
    distance_from_earth NUMERIC,
    metadata JSONB,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_space_objects_type ON space_objects(object_type);
CREATE INDEX idx_space_objects_nasa_id ON space_objects(nasa_id);

-- Down migration
DROP TABLE IF EXISTS space_objects;
