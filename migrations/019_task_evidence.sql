-- Evidence (minh chứng) on a task: the number of the document that proves
-- it (số, ký hiệu văn bản), or a file or photo the official sent to the bot
-- (kept as Telegram's file_id; the bytes stay with Telegram). Added from the
-- chat, the web, or a task system through the API (issue 23).

CREATE TABLE task_evidence (
    id              bigserial PRIMARY KEY,
    task_id         bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('document', 'file', 'photo')),
    document_number text,        -- kind 'document': as written, cleaned (textnorm)
    document_key    text,        -- document_number folded, for "the same document again"
    file_id         text,        -- kinds 'file' and 'photo': Telegram file_id, never shown
    file_unique_id  text,        -- Telegram file_unique_id: the same file sent twice
    file_name       text,
    source          text NOT NULL CHECK (source IN ('chat', 'web', 'api')),
    added_by        bigint REFERENCES officials (id), -- the official; NULL when a task system added it
    api_key_id      bigint,                           -- the task system's key, when source = 'api'
    added_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'document') = (document_number IS NOT NULL AND document_key IS NOT NULL)),
    CHECK ((kind = 'document') = (file_id IS NULL AND file_unique_id IS NULL)),
    CHECK (source <> 'api' OR api_key_id IS NOT NULL)
);

CREATE UNIQUE INDEX task_evidence_document ON task_evidence (task_id, document_key) WHERE kind = 'document';
CREATE UNIQUE INDEX task_evidence_file ON task_evidence (task_id, file_unique_id) WHERE kind <> 'document';
