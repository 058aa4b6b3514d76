// The query itself is a protocol module (the pooled session's presence reads it too).
export { NS_LAST, buildLastQuery, parseLastReply, type LastReply } from "../xmpp/last-activity.js";

/*
 * Last Activity, XEP-0012 (https://xmpp.org/extensions/xep-0012.html): §4 asks an
 * account's bare JID how long ago its user was last active. The only way XMPP lets a
 * client record that moment is going unavailable (RFC 6121 §4.5.2) with a `<status/>`,
 * which servers keep as the last-activity record (Prosody's mod_lastactivity, ejabberd's
 * and MongooseIM's mod_last).
 */

/** A last-activity record as the API reports it (the GraphQL `LastActivity`). */
export interface LastActivity {
  user: string;
  timestamp: Date;
  /** An empty string when the server holds no status text. */
  status: string;
}


/**
 * The moment a reply's `seconds` points to, in whole seconds: XEP-0012 counts idle
 * seconds up to the reply, so the instant is `now − seconds`.
 */
export function lastActiveAt(seconds: number, now: number = Date.now()): Date {
  return new Date((Math.floor(now / 1000) - seconds) * 1000);
}
