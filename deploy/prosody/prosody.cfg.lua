-- Prosody for compose.yaml: the XMPP server behind xmpp-graphql, reached by the gateway
-- over the compose network only (port 5222 is not published). Change `VirtualHost` to
-- your domain and XMPP_DOMAIN in compose.yaml with it.
--
-- Plain c2s between the two containers: the network is private to this compose project.
-- For XMPP clients from outside, publish 5222 and configure certificates (then set
-- c2s_require_encryption = true); see https://prosody.im/doc/certificates.

pidfile = "/var/run/prosody/prosody.pid"
log = { { levels = { min = "info" }, to = "console" } }
data_path = "/var/lib/prosody"

interfaces = { "*" }
c2s_ports = { 5222 }
s2s_ports = {}
component_ports = {}
c2s_require_encryption = false
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
storage = "internal"

-- Accounts come from `prosodyctl register` (see docs/container.md); in-band registration of
-- new accounts stays off, while mod_register still lets users change their password.
allow_registration = false

modules_enabled = {
  "roster"; "saslauth"; "disco"; "carbons"; "pep"; "private"; "blocklist";
  -- mod_vcard stores vcard-temp as given (the default vcard_legacy keeps only part of it).
  "vcard";
  "version"; "uptime"; "time"; "ping"; "register"; "lastactivity"; "mam"; "offline";
}
modules_disabled = {
  "s2s";
  -- mod_smacks costs xmpp.js 0.14 most of its throughput (it never acks IQ replies).
  "smacks";
  "vcard_legacy"; "vcard4";
  -- No certificates here: a STARTTLS offer with a self-signed one would fail the gateway's login.
  "tls";
}

-- MAM like MongooseIM's defaults: archive every chat.
archive_expires_after = "1w"
default_archive_policy = true

VirtualHost "localhost"

Component "muc.localhost" "muc"
  modules_enabled = { "muc_mam" }
  muc_room_default_public = true
  muc_room_default_persistent = false
