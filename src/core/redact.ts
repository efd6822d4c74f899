/**
 * Passwords never leave the process: every connection URL shown to a user,
 * written to a log or stored in a backup manifest goes through here first.
 */

/** postgres://user:secret@host/db -> postgres://user:***@host/db; also hides password= query params. */
export function redactUrl(url: string): string {
  // The password runs to the LAST "@" (as URL parsers read it); over-redacting beats leaking.
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]*):(.*)@(?=[^@]*$)/i, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
  out = out.replace(/([?&](?:password|sslpassword)=)[^&#]*/gi, '$1***');
  return out;
}

/** Redacts every URL-with-credentials and `password=...` pair found inside free text. */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)([^:@/\s?#'"]*):([^\s'"]*)@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:***@`)
    .replace(/\b(password|sslpassword)(\s*=\s*)('[^']*'|"[^"]*"|[^\s&]+)/gi, '$1$2***');
}
