package telegram_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
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
	// A colleague cannot add to A's task (a forged press).
	b0 := B.User.PressData(reportCard, "ea:"+buttonArg(t, reportCard, "1 📎")+":w")
	must(t, h.Wait(b0))
	if ans := B.User.Answers(); len(ans) == 0 || !strings.Contains(ans[len(ans)-1].Text, "không có quyền") {
		t.Errorf("B adding to A's task: %+v", ans)
	}

	// Month end: A submits the self-assessment; the head's card lists the
	// evidence, and the photo opens.
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Say(A, "/assess"))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	card, ok := findMsg(H.User.Messages(), "Lê Thị An", "Đánh giá tháng")
	if !ok {
		t.Fatal("H has no review card of A")
	}
	for _, w := range []string{"📎 Minh chứng: 3 mục ở 2 việc", "1. Báo cáo kết quả cải cách hành chính quý…: 📎 125/UBND-VP, 🖼 ảnh [1]",
		"2. Rà soát hồ sơ tồn: 📄 ho-so-ton.xlsx [2]"} {
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
	must(t, h.TapOn(H, card, "📄 2"))
	if last := H.User.Last(); last.FileName != "ho-so-ton.xlsx" {
		t.Errorf("H did not get the file: %+v", last)
	}
	// The export counts them: A has 3 items on 2 tasks.
	rep, err := report.Monthly(ctx, pool, calendar.Month{Year: 2026, Month: time.November}, "P")
	must(t, err)
	var csvOut bytes.Buffer
	must(t, report.WriteCSV(&csvOut, rep))
	for _, p := range rep.Units[0].People {
		want := [2]int{}
		if p.EmployeeCode == "A" {
			want = [2]int{2, 3}
		}
		if got := [2]int{p.EvidenceTasks, p.EvidenceItems}; got != want {
			t.Errorf("%s: evidence %v in the export, want %v", p.EmployeeCode, got, want)
		}
	}
	if !strings.Contains(csvOut.String(), ",Minh chứng,") || !strings.Contains(csvOut.String(), ",2 việc, 3 mục,") &&
		!strings.Contains(csvOut.String(), `,"2 việc, 3 mục",`) {
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
