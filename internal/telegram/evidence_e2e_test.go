package telegram_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
	"evalbot/internal/report"
	"evalbot/internal/sim"
)

const unitsEvidence = `code,name,parent_code,exceptional
W,Phường Thử,,
P,Phòng Kinh tế,W,
`

const officialsEvidence = `employee_code,full_name,unit_code,category,position,is_head,phone,language
S,Nguyễn Văn Sơn,W,Cán bộ,Chủ tịch,true,0912000101,vi
H,Trần Văn Hùng,P,Công chức,Trưởng phòng,true,0912000102,vi
A,Lê Thị An,P,Công chức,Chuyên viên,,0912000103,vi
B,Phạm Văn Bình,P,Công chức,Chuyên viên,,0912000104,vi
`

// photoPNG is a 1000×750 photo, as a phone would send (Telegram gives the
// bot four sizes of it).
func photoPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1000, 750))
	for x := 0; x < 1000; x += 7 {
		img.Set(x, x*3/4, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// photoPNG2 is another photo.
func photoPNG2(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	img.Set(3, 3, color.RGBA{B: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Issue 23 «Evidence», end to end through the fake Telegram with its flood
// limits on: an official attaches a document number and a photo to a task
// of the Friday report; a sticker, a voice note, a number that is no number
// and an overlong one are answered; a 30 MB file goes by its caption to the
// task it names; the head's review card shows the evidence and the head
// opens the photo; a colleague cannot.
func TestEvidenceFromTheChat(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	h, err := sim.New(pool, at(2026, 11, 23, 7), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(unitsEvidence, officialsEvidence))
	ps, err := h.Onboard()
	must(t, err)
	H, A, B := ps["H"], ps["A"], ps["B"]

	must(t, h.Say(A, "/plan"))
	must(t, h.Say(A, "Báo cáo kết quả cải cách hành chính quý IV | 27/11\nRà soát hồ sơ tồn"))
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	must(t, h.Tap(H, "✅ Duyệt"))

	// The Friday report: «1 📎», then a document's number and a photo.
	must(t, h.Say(A, "/report"))
	must(t, h.Tap(A, "1 📎"))
	if got := lastText(A); !strings.Contains(got, "Minh chứng cho việc 1. Báo cáo kết quả cải cách hành chính quý IV") ||
		!strings.Contains(got, "125/UBND-VP") {
		t.Fatalf("A is not asked for evidence: %q", got)
	}
	must(t, h.Say(A, "đã nộp báo cáo rồi"))
	if got := lastText(A); !strings.Contains(got, "phải có số") {
		t.Errorf("a sentence instead of a number: %q", got)
	}
	must(t, h.Say(A, "125/UBND-VP "+strings.Repeat("báo cáo ", 20)))
	if got := lastText(A); !strings.Contains(got, "dài quá 100 ký tự") {
		t.Errorf("an overlong number: %q", got)
	}
	must(t, h.Say(A, "125/UBND-VP"))
	if got := lastText(A); !strings.Contains(got, "Đã thêm minh chứng cho việc 1. Báo cáo kết quả cải cách hành chính quý IV: 📎 125/UBND-VP.") {
		t.Fatalf("the number: %q", got)
	}
	must(t, h.Wait(A.User.SendSticker("👍")))
	if got := lastText(A); !strings.Contains(got, "nhãn dán, tin nhắn thoại hay video không dùng làm minh chứng được") {
		t.Errorf("a sticker: %q", got)
	}
	photo := photoPNG(t)
	must(t, h.SendPhoto(A, photo, ""))
	if got := lastText(A); !strings.Contains(got, "Đã thêm minh chứng cho việc 1. Báo cáo kết quả cải cách hành chính quý IV: 🖼 ảnh.") {
		t.Fatalf("the photo: %q", got)
	}
	// The same photo sent again is the one item.
	must(t, h.SendPhoto(A, photo, ""))
	if got := lastText(A); !strings.Contains(got, "đã có") {
		t.Errorf("the same photo twice: %q", got)
	}
	reportCard, ok := findMsg(A.User.Messages(), "Báo cáo kết quả —")
	if !ok || !strings.Contains(reportCard.Text, "· 📎 125/UBND-VP, 🖼 ảnh") {
		t.Errorf("the report card does not show the evidence:\n%s", reportCard.Text)
	}
	must(t, h.Tap(A, "✔️ Xong"))
	// Out of the step: a voice note, a photo without a caption, and a 30 MB
	// file whose caption names task 2.
	must(t, h.Wait(A.User.SendVoice(5)))
	if got := lastText(A); !strings.Contains(got, "Bot chỉ đọc tin nhắn chữ") {
		t.Errorf("a voice note: %q", got)
	}
	must(t, h.SendPhoto(A, photoPNG2(t), ""))
	if got := lastText(A); !strings.Contains(got, "minh chứng cho việc nào") {
		t.Errorf("a photo naming no task: %q", got)
	}
	must(t, h.SendDocument(A, botapitest.File{Name: "ho-so-ton.xlsx", Data: []byte("PK\x03\x04 ..."), Size: 30 << 20}, "việc 2"))
	if got := lastText(A); !strings.Contains(got, "Đã thêm minh chứng cho việc 2. Rà soát hồ sơ tồn: 📄 ho-so-ton.xlsx.") {
		t.Fatalf("a 30 MB file by its caption: %q", got)
	}
	// The next photo of the same album (no caption) follows it.
	must(t, h.SendPhoto(A, photoPNG2(t), ""))
	if got := lastText(A); !strings.Contains(got, "Đã thêm minh chứng cho việc 2. Rà soát hồ sơ tồn: 🖼 ảnh.") {
		t.Fatalf("the album's next photo: %q", got)
	}
	must(t, h.Tap(A, "🗑 Xóa mục này"))
	must(t, h.Tap(A, "✔️ Xong"))
	// Half an hour after «1 📎», a typed text is no document number any
	// more: «Báo cáo tháng 12» is not stored.
	must(t, h.Tap(A, "1 📎"))
	h.Clock.Set(at(2026, 11, 23, 7).Add(31 * time.Minute))
	must(t, h.Say(A, "Báo cáo tháng 12"))
	if got := lastText(A); strings.Contains(got, "Đã thêm minh chứng") {
		t.Errorf("a text after the step's time was taken as evidence: %q", got)
	}

	// A colleague cannot add to A's task (a forged press).
	b0 := B.User.PressData(reportCard, "ea:"+buttonArg(t, reportCard, "1 📎")+":w")
	must(t, h.Wait(b0))
	if ans := B.User.Answers(); len(ans) == 0 || !strings.Contains(ans[len(ans)-1].Text, "không có quyền") {
		t.Errorf("B adding to A's task: %+v", ans)
	}

	// A task system's item (added through the API) shows as such.
	var task2 int64
	must(t, pool.QueryRow(ctx, `SELECT t.id FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.official_id = $1 AND t.position = 2`,
		A.ID).Scan(&task2))
	var unit string
	must(t, pool.QueryRow(ctx, `SELECT u.code FROM units u JOIN officials o ON o.unit_id = u.id WHERE o.id = $1`, A.ID).Scan(&unit))
	key, _, err := apikeys.Create(ctx, pool, "Hệ thống quản lý văn bản", unit)
	must(t, err)
	_, _, err = evaluation.AddEvidence(ctx, pool, evaluation.Evidence{TaskID: task2, Kind: evaluation.EvidenceDocument,
		DocumentNumber: "88/QĐ-UBND", Source: evaluation.SourceAPI, APIKeyID: &key.ID})
	must(t, err)

	// B's week has 30 tasks: 30 rows of «N 📎» would pass Telegram's 100
	// buttons, so one «📎 Thêm minh chứng» shows a picker.
	var lines []string
	for i := 1; i <= 30; i++ {
		lines = append(lines, "Tiếp nhận hồ sơ đợt "+strconv.Itoa(i))
	}
	must(t, h.Say(B, "/plan"))
	must(t, h.Say(B, strings.Join(lines, "\n")))
	must(t, h.Tap(B, "📨 Gửi duyệt"))
	must(t, h.Tap(H, "✅ Duyệt"))
	must(t, h.Say(B, "/report"))
	must(t, h.Tap(B, "📎 Thêm minh chứng"))
	must(t, h.Tap(B, "30 📎"))
	must(t, h.Say(B, "15/BC-UBND"))
	if got := lastText(B); !strings.Contains(got, "Đã thêm minh chứng cho việc 30. Tiếp nhận hồ sơ đợt 30: 📎 15/BC-UBND.") {
		t.Errorf("B by the picker: %q", got)
	}
	if card, ok := findMsg(B.User.Messages(), "Báo cáo kết quả —"); !ok || !strings.Contains(card.Text, "30. Tiếp nhận hồ sơ đợt 30 · 📎 15/BC-UBND") {
		t.Errorf("B's report card:\n%s", card.Text)
	} else if n := buttons(card); n > 100 || n < 91 {
		t.Errorf("B's report card has %d buttons", n)
	}
	must(t, h.Tap(B, "✔️ Xong"))

	// Month end: A submits the self-assessment; the head's card lists the
	// evidence, and the photo opens.
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Say(A, "/assess"))
	// From the self-assessment's task view: an item added, then removed.
	m, lbl, ok := sim.ButtonStartingWith(A.User.Messages(), "📋")
	if !ok {
		t.Fatalf("no task view button in %q", lastText(A))
	}
	must(t, h.TapOn(A, m, lbl))
	must(t, h.Tap(A, "2 📎"))
	must(t, h.Say(A, "16/BC-UBND"))
	if view, _ := findMsg(A.User.Messages(), "Tự đánh giá tháng"); !strings.Contains(view.Text, "2. Rà soát hồ sơ tồn · 📄 ho-so-ton.xlsx, 📎 88/QĐ-UBND (từ hệ thống giao việc), 📎 16/BC-UBND") {
		t.Errorf("the task view after adding:\n%s", view.Text)
	}
	must(t, h.Tap(A, "🗑 Xóa mục này"))
	if _, ok := findMsg(A.User.Messages(), "Đã xóa minh chứng của việc 2. Rà soát hồ sơ tồn: 📎 16/BC-UBND."); !ok {
		t.Errorf("no removal message: %q", lastText(A))
	}
	if view, _ := findMsg(A.User.Messages(), "Tự đánh giá tháng"); strings.Contains(view.Text, "16/BC-UBND") {
		t.Errorf("the task view after removing:\n%s", view.Text)
	}
	must(t, h.Tap(A, "✔️ Xong"))
	m, lbl, _ = sim.ButtonStartingWith(A.User.Messages(), "‹ Quay lại")
	must(t, h.TapOn(A, m, lbl))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	card, ok := findMsg(H.User.Messages(), "Lê Thị An", "Đánh giá tháng")
	if !ok {
		t.Fatal("H has no review card of A")
	}
	for _, w := range []string{"📎 Minh chứng: 4 mục ở 2 việc", "1. Báo cáo kết quả cải cách hành chính quý…: 📎 125/UBND-VP, 🖼 ảnh [1]",
		"2. Rà soát hồ sơ tồn: 📄 ho-so-ton.xlsx [2], 📎 88/QĐ-UBND (từ hệ thống giao việc)"} {
		if !strings.Contains(card.Text, w) {
			t.Errorf("the review card lacks %q:\n%s", w, card.Text)
		}
	}
	// B (a colleague) cannot open it; H can.
	must(t, h.Wait(B.User.PressData(card, buttonData(t, card, "🖼 1"))))
	if ans := B.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "không có quyền") {
		t.Errorf("B opening A's photo: %+v", ans[len(ans)-1])
	}
	if ms := B.User.Messages(); ms[len(ms)-1].Photo != nil {
		t.Error("B got A's photo")
	}
	must(t, h.TapOn(H, card, "🖼 1"))
	last := H.User.Last()
	if last.Photo == nil || !bytes.Equal(last.Photo, photo) || !strings.Contains(last.Caption, "Minh chứng của Lê Thị An") {
		t.Errorf("H did not get the photo: %+v", last.Caption)
	}
	// A double tap sends it once.
	photos := func() (n int) {
		for _, m := range H.User.Messages() {
			if m.Photo != nil {
				n++
			}
		}
		return n
	}
	must(t, h.TapOn(H, card, "🖼 1"))
	if n := photos(); n != 1 {
		t.Errorf("%d photos after a double tap", n)
	}
	if ans := H.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "Đã gửi minh chứng") {
		t.Errorf("the second tap's answer: %+v", ans[len(ans)-1])
	}
	must(t, h.TapOn(H, card, "📄 2"))
	if last := H.User.Last(); last.FileName != "ho-so-ton.xlsx" {
		t.Errorf("H did not get the file: %+v", last)
	}
	// Approved, the card keeps the buttons that open evidence.
	must(t, h.TapOn(H, card, "✅ Duyệt"))
	if card, _ = findMsg(H.User.Messages(), "Lê Thị An", "Đánh giá tháng"); !strings.Contains(card.Text, "Đã duyệt") ||
		len(card.Keyboard) != 1 || len(card.Keyboard[0]) != 2 || card.Keyboard[0][0].Text != "🖼 1" {
		t.Errorf("the approved card: %q %+v", card.Text, card.Keyboard)
	}
	// A's /history names the changes.
	must(t, h.Say(A, "/history"))
	if got := lastText(A); !strings.Contains(got, "thêm minh chứng") || !strings.Contains(got, "xóa minh chứng") {
		t.Errorf("A's history: %q", got)
	}

	// The export counts them: A has 4 items on 2 tasks, B one.
	rep, err := report.Monthly(ctx, pool, calendar.Month{Year: 2026, Month: time.November}, "P")
	must(t, err)
	var csvOut bytes.Buffer
	must(t, report.WriteCSV(&csvOut, rep, viExport))
	for _, p := range rep.Units[0].People {
		want := map[string][2]int{"A": {2, 4}, "B": {1, 1}}[p.EmployeeCode]
		if got := [2]int{p.EvidenceTasks, p.EvidenceItems}; got != want {
			t.Errorf("%s: evidence %v in the export, want %v", p.EmployeeCode, got, want)
		}
	}
	if !strings.Contains(csvOut.String(), ",Minh chứng,") || !strings.Contains(csvOut.String(), ",2 việc, 4 mục,") &&
		!strings.Contains(csvOut.String(), `,"2 việc, 4 mục",`) {
		t.Errorf("the CSV lacks the evidence column:\n%s", csvOut.String())
	}
	if n := h.Srv.FloodRefusals(); n != 0 {
		t.Errorf("%d × 429 from the fake's flood limits: %v", n, h.Srv.FloodRefusalsByChat())
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
}

// buttonData is the callback data of the button labelled label on m.
func buttonData(t *testing.T, m sim.Message, label string) string {
	t.Helper()
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == label {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q on %q", label, m.Text)
	return ""
}

// buttonArg is the first argument of the callback data of label on m.
func buttonArg(t *testing.T, m sim.Message, label string) string {
	parts := strings.Split(buttonData(t, m, label), ":")
	return parts[1]
}

// A sticker or a voice note is no text (route: every message without text
// goes to onNonText): in the middle of typing a plan it is answered with
// what the bot reads, and the step stays, instead of being read as an empty
// plan.
func TestNonTextIsNeverReadAsText(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 23, 7), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(unitsEvidence, officialsEvidence))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	must(t, h.Say(A, "/plan"))
	for _, id := range []int64{A.User.SendSticker("👍"), A.User.SendVoice(4)} {
		must(t, h.Wait(id))
		if got := lastText(A); !strings.Contains(got, "Bot chỉ đọc tin nhắn chữ, nút bấm, và tệp, ảnh gửi làm minh chứng") {
			t.Errorf("a sticker or a voice note while typing a plan: %q", got)
		}
	}
	must(t, h.Say(A, "Rà soát hồ sơ tồn"))
	if got := lastText(A); !strings.Contains(got, "1. Rà soát hồ sơ tồn") {
		t.Errorf("the plan's step did not survive: %q", got)
	}
}
