-- A stored update holds the sender's Telegram id, and a citizen's id must
-- never be in the database in clear (issue #4): the payload is sealed with
-- AES-GCM under a key derived from EVALBOT_CITIZEN_KEY (internal/inbound/box.go),
-- and the chat id column, which only repeated what the payload holds, goes.
-- Updates stored in clear by an older version are dropped: handled or not,
-- they are at most a few seconds old and Telegram's user sees no reply.
DELETE FROM inbound_updates;
ALTER TABLE inbound_updates DROP COLUMN chat_id;
ALTER TABLE inbound_updates ALTER COLUMN payload TYPE bytea USING convert_to(payload::text, 'UTF8');
