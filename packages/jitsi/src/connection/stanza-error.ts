/** XMPP stanza errors (RFC 6120 §8.3) converted at the edge: keep condition, text and the application element. */
import { xml, type Element } from '@xmpp/xml';
import { NS } from '../xml/namespaces.js';

export class StanzaError extends Error {
  override name = 'StanzaError';
  constructor(
    readonly condition: string,
    readonly type: string,
    readonly text: string | undefined,
    /** Application-specific child (e.g. `<lobbyroom>`, `<session-invalid>`), if any. */
    readonly application: Element | undefined,
    readonly stanza: Element,
  ) {
    super(`XMPP error ${type}/${condition}${text ? `: ${text}` : ''}`);
  }

  static fromStanza(stanza: Element): StanzaError {
    const error = stanza.getChild('error');
    const type = error?.attrs.type ?? 'cancel';
    let condition = 'undefined-condition';
    let text: string | undefined;
    let application: Element | undefined;
    for (const child of error?.getChildElements() ?? []) {
      if (child.attrs.xmlns === NS.stanzas) {
        if (child.name === 'text') text = child.getText();
        else condition = child.name;
      } else {
        application ??= child;
      }
    }
    return new StanzaError(condition, type, text, application, stanza);
  }
}

/** `<error type><condition xmlns=stanzas/>[<app/>]</error>` for IQ replies built by the iq callee. */
export function errorElement(type: 'cancel' | 'modify' | 'auth' | 'wait', condition: string, ...application: Element[]): Element {
  return xml('error', { type }, xml(condition, { xmlns: NS.stanzas }), ...application);
}
