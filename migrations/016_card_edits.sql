-- Card edits a state change requires (docs/decisions/0003-telegram-limits-and-durable-edits.md):
-- written in the change's transaction, newest per message (gen counts the
-- edits asked for), deleted once Telegram took the edit. A process that dies
-- while one waits (a 429's retry_after) leaves it here; the next start sends
-- it, so that no card keeps the buttons of a state that has moved on.
CREATE TABLE card_edits (
    chat_id    bigint NOT NULL,
    message_id integer NOT NULL,
    payload    jsonb NOT NULL,
    gen        bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, message_id)
);
