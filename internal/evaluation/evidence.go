package evaluation

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// Kinds of Evidence.
const (
	EvidenceDocument = "document" // a document's number and symbol (số, ký hiệu)
	EvidenceFile     = "file"     // a file sent to the bot (Bot API Document)
	EvidencePhoto    = "photo"    // a photo sent to the bot (Bot API PhotoSize)
)

// Sources of Evidence: who brought it.
const (
	SourceChat = "chat"
	SourceWeb  = "web"
	SourceAPI  = "api"
)

// Bounds of Evidence.
const (
	// MaxDocumentNumberRunes bounds a document number; real ones, such as
	// «1234/QĐ-UBND», are far shorter.
	MaxDocumentNumberRunes = 100
	// MaxFileNameRunes bounds a file's name as kept.
	MaxFileNameRunes = 200
	// MaxEvidencePerTask bounds the evidence one task carries.
	MaxEvidencePerTask = 20
)

// Errors of AddEvidence; none of them changes anything.
var (
	// ErrEvidenceEmpty: no document number (nothing visible) and no file.
	ErrEvidenceEmpty = errors.New("evaluation: evidence is empty")
	// ErrEvidenceTooLong: the document number or file name is too long.
	ErrEvidenceTooLong = errors.New("evaluation: evidence text is too long")
	// ErrTooMuchEvidence: the task already carries MaxEvidencePerTask items.
	ErrTooMuchEvidence = errors.New("evaluation: the task carries too much evidence")
)

// Evidence — minh chứng: what shows a task was done, as the head sees it on
// the card and the export counts it. Kind EvidenceDocument carries
// DocumentNumber; EvidenceFile and EvidencePhoto carry Telegram's FileID
// (to send it on; never shown), FileUniqueID (the same file twice is one
// item) and, for a file, FileName.
type Evidence struct {
	ID             int64
	TaskID         int64
	Kind           string
	DocumentNumber string
	FileID         string
	FileUniqueID   string
	FileName       string
	Source         string // SourceChat, SourceWeb or SourceAPI
	AddedBy        *int64 // the official; nil when a task system added it
	APIKeyID       *int64 // the task system's key when Source is SourceAPI
	At             time.Time
}

// documentKey is a cleaned document number as compared: case and spaces
// aside, so "125/QĐ-UBND" and "125 / qđ-ubnd" are the same document, while
// "12/5-UBND" and "125-UBND" stay apart.
func documentKey(n string) string {
	return strings.ReplaceAll(strings.ToLower(n), " ", "")
}

// AddEvidence attaches e to task e.TaskID, cleaning its text first
// (textnorm), and returns it as stored. The same document number, or the
// same file (by FileUniqueID), on the same task is recorded once: the stored
// item comes back with repeated true. Authorization is the caller's (the
// task's owner, or an API key whose subtree holds the owner). Errors:
// ErrEvidenceEmpty, ErrEvidenceTooLong, ErrTooMuchEvidence, ErrNotFound
// when there is no such task.
func AddEvidence(ctx context.Context, db store.DB, e Evidence) (stored Evidence, repeated bool, err error) {
	var key any
	switch e.Kind {
	case EvidenceDocument:
		n, err := textnorm.Field(e.DocumentNumber, MaxDocumentNumberRunes)
		if errors.Is(err, textnorm.ErrEmpty) {
			return e, false, ErrEvidenceEmpty
		} else if err != nil {
			return e, false, ErrEvidenceTooLong
		}
		e.DocumentNumber, e.FileID, e.FileUniqueID, e.FileName = n, "", "", ""
		key = documentKey(n)
	case EvidenceFile, EvidencePhoto:
		if e.FileID == "" || e.FileUniqueID == "" {
			return e, false, ErrEvidenceEmpty
		}
		name, err := textnorm.Field(e.FileName, MaxFileNameRunes)
		if errors.Is(err, textnorm.ErrTooLong) {
			return e, false, ErrEvidenceTooLong
		}
		e.FileName, e.DocumentNumber = name, ""
	default:
		return e, false, ErrEvidenceEmpty
	}
	// The task's row lock orders two additions to the same task, so the
	// count below holds when the insert runs.
	var count int
	err = db.QueryRow(ctx, `SELECT (SELECT count(*) FROM task_evidence WHERE task_id = t.id)
		FROM tasks t WHERE t.id = $1 FOR UPDATE`, e.TaskID).Scan(&count)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, false, ErrNotFound
	} else if err != nil {
		return e, false, err
	}
	if old, found, err := sameEvidence(ctx, db, e, key); err != nil || found {
		return old, found, err
	}
	if count >= MaxEvidencePerTask {
		return e, false, ErrTooMuchEvidence
	}
	err = db.QueryRow(ctx, `INSERT INTO task_evidence
		(task_id, kind, document_number, document_key, file_id, file_unique_id, file_name, source, added_by, api_key_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, added_at`,
		e.TaskID, e.Kind, nullIfEmpty(e.DocumentNumber), key, nullIfEmpty(e.FileID), nullIfEmpty(e.FileUniqueID),
		nullIfEmpty(e.FileName), e.Source, e.AddedBy, e.APIKeyID).Scan(&e.ID, &e.At)
	return e, false, err
}

// sameEvidence finds the item of e's task that e repeats, if any.
func sameEvidence(ctx context.Context, db store.DB, e Evidence, key any) (Evidence, bool, error) {
	where, arg := `kind <> 'document' AND file_unique_id = $2`, any(e.FileUniqueID)
	if e.Kind == EvidenceDocument {
		where, arg = `kind = 'document' AND document_key = $2`, key
	}
	list, err := evidenceWhere(ctx, db, `task_id = $1 AND `+where, e.TaskID, arg)
	if err != nil || len(list) == 0 {
		return e, false, err
	}
	return list[0], true, nil
}

// TaskEvidence is the evidence of each of taskIDs, oldest first; a task
// without any is absent from the map.
func TaskEvidence(ctx context.Context, db store.DB, taskIDs []int64) (map[int64][]Evidence, error) {
	list, err := evidenceWhere(ctx, db, `task_id = ANY($1)`, taskIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]Evidence)
	for _, e := range list {
		out[e.TaskID] = append(out[e.TaskID], e)
	}
	return out, nil
}

func evidenceWhere(ctx context.Context, db store.DB, where string, args ...any) ([]Evidence, error) {
	rows, err := db.Query(ctx, `SELECT id, task_id, kind, coalesce(document_number, ''), coalesce(file_id, ''),
		coalesce(file_unique_id, ''), coalesce(file_name, ''), source, added_by, api_key_id, added_at
		FROM task_evidence WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Evidence, error) {
		var e Evidence
		err := r.Scan(&e.ID, &e.TaskID, &e.Kind, &e.DocumentNumber, &e.FileID, &e.FileUniqueID, &e.FileName,
			&e.Source, &e.AddedBy, &e.APIKeyID, &e.At)
		return e, err
	})
}

// LoadEvidence is the evidence item id; ErrNotFound when there is none.
func LoadEvidence(ctx context.Context, db store.DB, id int64) (Evidence, error) {
	list, err := evidenceWhere(ctx, db, `id = $1`, id)
	if err != nil {
		return Evidence{}, err
	}
	if len(list) == 0 {
		return Evidence{}, ErrNotFound
	}
	return list[0], nil
}

// RemoveEvidence deletes evidence item id and returns it as it was;
// ErrNotFound when there is none (removed already: a repeated removal
// changes nothing). Authorization is the caller's.
func RemoveEvidence(ctx context.Context, db store.DB, id int64) (Evidence, error) {
	rows, err := db.Query(ctx, `DELETE FROM task_evidence WHERE id = $1
		RETURNING id, task_id, kind, coalesce(document_number, ''), coalesce(file_id, ''),
		coalesce(file_unique_id, ''), coalesce(file_name, ''), source, added_by, api_key_id, added_at`, id)
	if err != nil {
		return Evidence{}, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Evidence, error) {
		var e Evidence
		err := r.Scan(&e.ID, &e.TaskID, &e.Kind, &e.DocumentNumber, &e.FileID, &e.FileUniqueID, &e.FileName,
			&e.Source, &e.AddedBy, &e.APIKeyID, &e.At)
		return e, err
	})
	if err != nil {
		return Evidence{}, err
	}
	if len(list) == 0 {
		return Evidence{}, ErrNotFound
	}
	return list[0], nil
}
