-- Stagecast testbed: a Prosody 0.12 configured like a Jitsi Meet deployment (jitsi-meet
-- `doc/debian/jitsi-meet-prosody/prosody.cfg.lua-jvb.example`), loopback only, non-default ports.
-- This is a TEMPLATE: scripts/services/prosody.sh replaces the @PLACEHOLDERS@ and writes the result under
-- .stagecast/prosody/. Hosts:
--   meet.stagecast.test            anonymous + optional JWT (?token= in the WebSocket URL, SASL ANONYMOUS)
--   auth.meet.stagecast.test       focus account (the test focus logs in here, like jicofo)
--   secure.stagecast.test          "secure domain": username/password accounts
--   guest.secure.stagecast.test    its anonymous guest domain (hosts.anonymousdomain)
--   conference.meet.stagecast.test MUC, room creation restricted to the focus (restrict_room_creation)
--   lobby.meet.stagecast.test      lobby MUC (jitsi mod_muc_lobby_rooms equivalent: mod_stagecast_muc)
--   internal.auth.meet.stagecast.test  brewery MUC (jicofo/JVB), present for fidelity
--   focus.meet.stagecast.test      client proxy to focus@auth (jitsi mod_client_proxy equivalent)
--   absentfocus.meet.stagecast.test  the same to an account that never logs in ("jicofo not running")

pidfile = "@DATA_DIR@/prosody.pid"
data_path = "@DATA_DIR@/data"
plugin_paths = { "@PLUGIN_DIR@" }

-- Containers and CI often run as root; prosody refuses that unless told (testbed only, loopback only).
run_as_root = true
log = {
  { levels = { min = "@LOG_LEVEL@" }, to = "file", filename = "@DATA_DIR@/prosody.log" };
}

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { @C2S_PORT@ }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
component_ports = { }
http_ports = { @HTTP_PORT@ }
http_interfaces = { "127.0.0.1" }
https_ports = { }
http_default_host = "meet.stagecast.test"

-- Loopback testbed: no TLS. A real deployment terminates TLS in nginx in front of /xmpp-websocket.
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
consider_websocket_secure = true
cross_domain_websocket = true
consider_bosh_secure = true

modules_enabled = {
  "disco"; "ping"; "saslauth"; "roster";
}
modules_disabled = { "s2s"; "tls"; "offline" }

-- Shared JWT settings (jitsi: app_id / app_secret / asap_accepted_audiences).
stagecast_jwt_app_id = "stagecast-testbed"
stagecast_jwt_app_secret = "@JWT_SECRET@"
stagecast_jwt_accepted_audiences = { "stagecast-testbed", "jitsi" }
stagecast_focus_jid = "focus@auth.meet.stagecast.test"

VirtualHost "meet.stagecast.test"
  -- jitsi `authentication = "token"` with `allow_empty_token = true`: anonymous unless a token is given.
  authentication = "stagecast_token"
  modules_enabled = { "websocket"; "ping"; "disco"; "external_services" }
  -- XEP-0215 extdisco (jitsi: mod_external_services / turncredentials): STUN + TURN over TCP, as LJM uses them.
  -- Loopback placeholders: nothing listens there; the client must only pass them on to the media engine.
  external_services = {
    { type = "stun", transport = "udp", host = "127.0.0.1", port = 3478 };
    { type = "turn", transport = "tcp", host = "127.0.0.1", port = 3478, username = "stagecast", password = "testbed-turn" };
  }
  disco_items = {
    { "conference.meet.stagecast.test", "muc" };
    { "lobby.meet.stagecast.test", "lobbyrooms" };
  }
  lobby_muc = "lobby.meet.stagecast.test"
  main_muc = "conference.meet.stagecast.test"

VirtualHost "auth.meet.stagecast.test"
  authentication = "internal_plain"
  modules_enabled = { "ping" }

VirtualHost "secure.stagecast.test"
  authentication = "internal_plain"
  modules_enabled = { "ping"; "disco" }

VirtualHost "guest.secure.stagecast.test"
  authentication = "anonymous"
  modules_enabled = { "ping"; "disco" }

Component "conference.meet.stagecast.test" "muc"
  admins = { "focus@auth.meet.stagecast.test" }
  restrict_room_creation = true
  muc_room_locking = false
  muc_room_default_public_jids = true
  muc_room_cache_size = 1000
  muc_tombstones = false
  modules_enabled = { "stagecast_muc" }
  lobby_muc = "lobby.meet.stagecast.test"
  stagecast_authenticated_hosts = { "secure.stagecast.test" }

Component "lobby.meet.stagecast.test" "muc"
  admins = { "focus@auth.meet.stagecast.test" }
  muc_room_locking = false
  muc_room_default_public_jids = true
  muc_tombstones = false

Component "internal.auth.meet.stagecast.test" "muc"
  admins = { "focus@auth.meet.stagecast.test" }
  restrict_room_creation = true
  muc_room_locking = false
  muc_tombstones = false

Component "focus.meet.stagecast.test" "stagecast_client_proxy"
  target_address = "focus@auth.meet.stagecast.test"

-- A focus address whose jicofo never connects (the account has no password): tests of "focus not running"
-- use it so that a focus started by another test process cannot answer.
Component "absentfocus.meet.stagecast.test" "stagecast_client_proxy"
  target_address = "absentfocus@auth.meet.stagecast.test"
