-- Conference MUC additions of a Jitsi deployment, reduced to what the protocol exposes to clients:
--  * token verification at join (jitsi mod_token_verification): the JWT `room` claim must match the room (or "*");
--  * lobby (jitsi mod_muc_lobby_rooms): a non-member joining a members-only room gets
--    auth/registration-required + <lobbyroom xmlns="http://jitsi.org/jitmeet">room@lobby…</lobbyroom>; the correct room
--    password bypasses the lobby (the joiner becomes a member);
--  * wait for host (jitsi mod_muc_wait_for_host): with the room option `stagecast#wait_for_host`, guests get the
--    lobby error plus <waiting-for-host/> until a moderator is in the room; users of an authenticated host join.
local st = require "util.stanza";
local jid_split = require "util.jid".split;
local jid_bare = require "util.jid".bare;

local lobby_muc = module:get_option_string("lobby_muc");
local focus_jid = module:get_option_string("stagecast_focus_jid");

local authenticated_hosts = module:get_option_set("stagecast_authenticated_hosts", {});
local NS_JITMEET = "http://jitsi.org/jitmeet";

local affiliation_rank = { outcast = -1, none = 0, member = 1, admin = 2, owner = 3 };

module:hook("muc-occupant-pre-join", function(event)
  local room, origin, stanza = event.room, event.origin, event.stanza;
  if jid_bare(stanza.attr.from) == focus_jid then return; end
  local claims = origin and origin.auth_token_claims;
  if claims and claims.room and claims.room ~= "*" then
    local node = jid_split(room.jid);
    if claims.room:lower() ~= node then
      origin.send(st.error_reply(stanza, "cancel", "not-allowed", "Token does not grant access to this room"));
      return true;
    end
  end
end, 10);

module:hook("muc-occupant-pre-join", function(event)
  local room, origin, stanza = event.room, event.origin, event.stanza;
  if not room:get_members_only() or not lobby_muc then return; end
  local affiliation = room:get_affiliation(stanza.attr.from) or "none";
  if affiliation_rank[affiliation] > affiliation_rank.none then return; end
  local x = stanza:get_child("x", "http://jabber.org/protocol/muc");
  local given = x and x:get_child_text("password");
  local password = room:get_password();
  if password and given == password then
    room:set_affiliation(true, jid_bare(stanza.attr.from), "member", "Password bypasses the lobby");
    return;
  end
  local node = jid_split(room.jid);
  local reply = st.error_reply(stanza, "auth", "registration-required", nil, room.jid):up();
  reply:tag("lobbyroom", { xmlns = "http://jitsi.org/jitmeet" }):text(node .. "@" .. lobby_muc):up();
  origin.send(reply);
  return true;
end, -4);

module:hook("muc-config-form", function(event)
  table.insert(event.form, {
    name = "stagecast#wait_for_host";
    type = "boolean";
    label = "Guests wait until a host (moderator) has joined";
    value = event.room._data.stagecast_wait_for_host or false;
  });
end);

module:hook("muc-config-submitted/stagecast#wait_for_host", function(event)
  local value = event.value and true or nil;
  if event.room._data.stagecast_wait_for_host ~= value then
    event.room._data.stagecast_wait_for_host = value;
    event.status_codes["104"] = true;
  end
end);

module:hook("muc-occupant-pre-join", function(event)
  local room, origin, stanza = event.room, event.origin, event.stanza;
  if not room._data.stagecast_wait_for_host or not lobby_muc then return; end
  if jid_bare(stanza.attr.from) == focus_jid then return; end
  local _, host = jid_split(stanza.attr.from);
  if authenticated_hosts:contains(host) then return; end
  for _, occupant in room:each_occupant() do
    if occupant.bare_jid ~= focus_jid and occupant.role == "moderator" then return; end
  end
  local node = jid_split(room.jid);
  local reply = st.error_reply(stanza, "auth", "registration-required", nil, room.jid);
  reply:tag("lobbyroom", { xmlns = NS_JITMEET }):text(node .. "@" .. lobby_muc):up();
  reply:tag("waiting-for-host", { xmlns = NS_JITMEET }):up();
  origin.send(reply);
  return true;
end, 5);
