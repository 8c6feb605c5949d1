/** XML namespaces of the Jingle/Jitsi stanzas handled by this package (docs/jitsi-protocol.md §5, §7–§10). */
export const NS = {
  /** XEP-0166 */
  jingle: 'urn:xmpp:jingle:1',
  /** XEP-0166 §10 application errors (`unknown-session`). */
  jingleErrors: 'urn:xmpp:jingle:errors:1',
  /** XEP-0167 */
  rtp: 'urn:xmpp:jingle:apps:rtp:1',
  /** XEP-0293 */
  rtcpFb: 'urn:xmpp:jingle:apps:rtp:rtcp-fb:0',
  /** XEP-0294 */
  rtpHdrext: 'urn:xmpp:jingle:apps:rtp:rtp-hdrext:0',
  /** XEP-0339 */
  ssma: 'urn:xmpp:jingle:apps:rtp:ssma:0',
  /** XEP-0338 */
  grouping: 'urn:xmpp:jingle:apps:grouping:0',
  /** XEP-0176 */
  iceUdp: 'urn:xmpp:jingle:transports:ice-udp:1',
  /** XEP-0320 */
  dtls: 'urn:xmpp:jingle:apps:dtls:0',
  jitmeet: 'http://jitsi.org/jitmeet',
  startMuted: 'http://jitsi.org/jitmeet/start-muted',
  colibri: 'http://jitsi.org/protocol/colibri',
  focus: 'http://jitsi.org/protocol/focus',
  /** XEP-0115 */
  caps: 'http://jabber.org/protocol/caps',
  /** XEP-0030 */
  discoInfo: 'http://jabber.org/protocol/disco#info',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
} as const;
