import { xml, type Element } from "@xmpp/xml";

/*
 * The caller's own account through XEP-0077 In-Band Registration: password change
 * (§3.3) and account removal (§3.2). Both are addressed to the server (the domain), as
 * the XEP's examples do; Prosody (`registration_compat`, on by default) and ejabberd
 * both answer there.
 */

import { NS_REGISTER } from "../xmpp/namespaces.js";


/**
 * `<iq type='set' to=domain><query xmlns='jabber:iq:register'><username/><password/></query></iq>`
 * (XEP-0077 §3.3). The username must be the session's own; servers refuse any other.
 */
export function buildPasswordChange(domain: string, username: string, password: string): Element {
  return xml(
    "iq",
    { type: "set", to: domain },
    xml("query", { xmlns: NS_REGISTER }, xml("username", {}, username), xml("password", {}, password)),
  );
}
