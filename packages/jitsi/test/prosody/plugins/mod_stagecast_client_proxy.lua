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

local function newest_target()
  local host = prosody.hosts[target_host];
  local user = host and host.sessions and host.sessions[target_node];
  if not user then return nil; end
  local best;
  for _, s in pairs(user.sessions) do
    if s.full_jid and (best == nil or (s.conntime or 0) >= (best.conntime or 0)) then best = s; end
  end
  return best and best.full_jid;
end

local function to_focus(event)
  local stanza, origin = event.stanza, event.origin;
  if jid.bare(stanza.attr.from) == target then return; end
  local dest = newest_target();
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
