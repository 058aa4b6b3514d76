import type { ChatEvent } from "./event.models.js";
import { senderIdsOf } from "../xmpp/message-edits.js";

/*
 * In a one-to-one chat a correction, retraction or reaction names its message by the
 * sender's id (XEP-0308/0424/0444), while `Message.id` is the user's archive id. One
 * stream remembers, for the messages it delivered, which sender ids stand for which
 * `Message.id`, so that its change events name the message as the client knows it.
 * Bounded (oldest forgotten first) and owned by the stream. In rooms both are the room's
 * stanza-id already.
 */

const DEFAULT_CAPACITY = 2000;

export class ChangeTargets {
  private readonly byPointer = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Remembers a delivered message's ids, and rewrites a change's target to the `Message.id` it names when known. */
  apply(event: ChatEvent): ChatEvent {
    switch (event.__typename) {
      case "MessageEvent": {
        const { message } = event;
        if (message.stanza.attrs.type !== "groupchat") {
          for (const id of senderIdsOf(message.stanza)) if (id !== message.id) this.remember(`${message.conversation} ${id}`, message.id);
        }
        return event;
      }
      case "EditEvent": {
        const id = this.resolve(event.conversation, event.id);
        return id === event.id ? event : { ...event, id, message: { ...event.message, id } };
      }
      case "RetractEvent":
      case "ReactionEvent": {
        const id = this.resolve(event.conversation, event.id);
        return id === event.id ? event : { ...event, id };
      }
      default:
        return event;
    }
  }

  private resolve(conversation: string, id: string): string {
    return this.byPointer.get(`${conversation} ${id}`) ?? id;
  }

  private remember(key: string, messageId: string): void {
    this.byPointer.delete(key);
    this.byPointer.set(key, messageId);
    if (this.byPointer.size > this.capacity) this.byPointer.delete(this.byPointer.keys().next().value!);
  }
}
