-- {{version}}_{{name}}: say what this migration changes and why.
-- Up migration


-- Down migration

