-- The menu button each private chat was last given (setChatMenuButton), so
-- that the reviewers' menus are changed only where they differ: a run costs
-- one query instead of a Bot API call per head, and can run every few
-- minutes (a delegation starting today, a new head, a head who left).
CREATE TABLE menu_buttons (
    chat_id bigint PRIMARY KEY,
    url     text NOT NULL,          -- the Mini App's URL; '' for Telegram's default button
    label   text NOT NULL,          -- the button's text as set; '' for the default
    set_at  timestamptz NOT NULL DEFAULT now()
);
