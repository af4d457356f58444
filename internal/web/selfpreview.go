package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"evalbot/internal/app/selfassess"
)

// selfPreview: POST /me/assess/preview answers, as JSON
// {"provisional": "Tạm tính: 85,00 điểm — loại B"}, the provisional total
// and grade of the choice posted (the form of /me/assess), computed by
// selfassess.Preview without saving: the Mini App's script shows it as the
// official chooses (static/miniapp.js). Without the script «Tính lại và
// lưu» does the same in one round trip. 403 for someone else's
// assessment, 422 for points out of range.
func (s *Server) selfPreview(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	choice, ok := selfChoice(r)
	if !ok {
		http.Error(w, "out of range", http.StatusUnprocessableEntity)
		return
	}
	pg, err := selfassess.Preview(r.Context(), s.Pool, s.Cal, s.frameworks(), me.ID, id, choice)
	switch {
	case errors.Is(err, selfassess.ErrOutOfRange):
		http.Error(w, "out of range", http.StatusUnprocessableEntity)
		return
	case err != nil:
		if s.refused(w, r, me, err) {
			return
		}
	}
	l := s.newPage(w, r, me).L
	text := l.T("SelfPageNoGrade")
	if pg.GradeErr == nil && pg.Result.Graded {
		text = l.T("SelfPageProvisional", "Total", l.Points(pg.Result.Total), "Grade", string(pg.Result.Grade))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]string{"provisional": text})
}
