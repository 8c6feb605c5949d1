-- Equivalent of jitsi's mod_client_proxy: clients address jicofo as `focus.<domain>`, jicofo is a client
-- `focus@auth.<domain>`. Stanzas to the component host are forwarded to the focus' newest full JID with the sender
-- encoded into the node of a component JID; the focus' replies to `<encoded>@focus.<domain>` go back. The encoding is
-- hex, not XEP-0106 escaping: nodeprep lower-cases the node, which would corrupt case-sensitive resources.
local jid = require "util.jid";
local st = require "util.stanza";

local target = module:get_option_string("target_address");

local function encode(s) return "c" .. (s:gsub(".", function(c) return string.format("%02x", c:byte()); end)); end
local function decode(node)
  local hex = node and node:match("^c(%x+)$");
  if not hex or #hex % 2 == 1 then return nil; end
  return (hex:gsub("%x%x", function(h) return string.char(tonumber(h, 16)); end));
end
local target_node, target_host = jid.split(target);

-- Several test processes may share one testbed Prosody (parallel test runs on one machine). A focus that logs in
-- with the resource `rooms-<hex(prefix)>-<random>` claims the rooms whose name starts with <prefix>: conference
-- requests for those rooms go to it (longest claim wins); other requests go to the newest focus without a claim.
-- A real deployment has one jicofo per shard; this only keeps concurrent testbeds apart.
local function claim_of(resource)
  local hex = resource and resource:match("^rooms%-(%x+)%-");
  if not hex or #hex % 2 == 1 then return nil; end
  return (hex:gsub("%x%x", function(h) return string.char(tonumber(h, 16)); end));
end

local function pick_target(room_node)
  local host = prosody.hosts[target_host];
  local user = host and host.sessions and host.sessions[target_node];
  if not user then return nil; end
  local claimed, claimed_len, general;
  for _, s in pairs(user.sessions) do
    if s.full_jid then
      local prefix = claim_of(s.resource);
      if prefix then
        if room_node and room_node:sub(1, #prefix) == prefix and (claimed_len == nil or #prefix > claimed_len) then
          claimed, claimed_len = s, #prefix;
        end
      elseif general == nil or (s.conntime or 0) >= (general.conntime or 0) then
        general = s;
      end
    end
  end
  local best = claimed or general;
  return best and best.full_jid;
end

local function room_node_of(stanza)
  local conference = stanza:get_child("conference", "http://jitsi.org/protocol/focus");
  local room = conference and conference.attr.room;
  return room and (jid.split(room));
end

local function to_focus(event)
  local stanza, origin = event.stanza, event.origin;
  if jid.bare(stanza.attr.from) == target then return; end
  local dest = pick_target(room_node_of(stanza));
  if not dest then
    if stanza.attr.type ~= "error" and stanza.attr.type ~= "result" then
      origin.send(st.error_reply(stanza, "wait", "service-unavailable", "Focus is not connected"));
    end
    return true;
  end
  local fwd = st.clone(stanza);
  fwd.attr.from = encode(stanza.attr.from) .. "@" .. module.host;
  fwd.attr.to = dest;
  module:send(fwd);
  return true;
end

local function from_focus(event)
  local stanza = event.stanza;
  if jid.bare(stanza.attr.from) ~= target then
    event.origin.send(st.error_reply(stanza, "cancel", "not-allowed"));
    return true;
  end
  local original = decode((jid.split(stanza.attr.to)));
  if not original then return true; end
  local fwd = st.clone(stanza);
  fwd.attr.from = module.host;
  fwd.attr.to = original;
  module:send(fwd);
  return true;
end

for _, kind in ipairs({ "iq", "message" }) do
  module:hook(kind .. "/host", to_focus);
  module:hook(kind .. "/bare", from_focus);
  module:hook(kind .. "/full", from_focus);
end
