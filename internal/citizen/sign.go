package citizen

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// SignText is what a desk sign prints under its QR code: the desk's name
// (large, bold), a short instruction, and a small footer (the desk code).
type SignText struct {
	Title  string
	Lines  []string
	Footer string
}

// Sign geometry, in pixels: 1200 px wide is about 10 cm at 300 dpi, the QR
// code about 8.5 cm, which phones read from well over a metre.
const (
	signWidth  = 1200
	signMargin = 100
	quietZone  = 4 // modules of white around the code
)

var (
	fontsOnce             sync.Once
	regularFont, boldFont *opentype.Font
	fontsErr              error
)

// DejaVu Sans covers Vietnamese (the Go fonts do not).
func loadFonts() error {
	fontsOnce.Do(func() {
		regularFont, fontsErr = opentype.Parse(dejavusans.TTF)
		if fontsErr == nil {
			boldFont, fontsErr = opentype.Parse(dejavusansbold.TTF)
		}
	})
	return fontsErr
}

// SignPNG renders a printable sign for a desk: the QR code of link (error
// correction level H, so a scratched or badly lit sign still reads) with
// the text under it, as a grayscale PNG.
func SignPNG(link string, text SignText) ([]byte, error) {
	img, err := SignImage(link, text)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SignImage is SignPNG's image.
func SignImage(link string, text SignText) (*image.Gray, error) {
	if link == "" {
		return nil, errors.New("citizen: empty link")
	}
	if err := loadFonts(); err != nil {
		return nil, err
	}
	// A sign that ZXing cannot read (about 1 code in 100: the drawing, not
	// the link) is drawn again at another error correction level, as QRPNG
	// does; the link itself cannot change.
	var img *image.Gray
	for _, lv := range []qrcode.RecoveryLevel{qrcode.High, qrcode.Highest, qrcode.Medium, qrcode.Low} {
		var err error
		if img, err = signImage(link, text, lv); err != nil || Readable(img, link) {
			return img, err
		}
	}
	return img, nil
}

// signImage draws the sign with the QR code at error correction level lv.
func signImage(link string, text SignText, lv qrcode.RecoveryLevel) (*image.Gray, error) {
	q, err := qrcode.New(link, lv)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	// The quiet zone of ISO/IEC 18004 is 4 modules of white on every side;
	// text inside it makes readers miss the finder patterns (ZXing failed on
	// about 1 code in 100 with 100 px margins and the title 60 px below).
	module := signWidth / (n + 2*quietZone)
	side := module * n
	top := max(signMargin, quietZone*module)
	title, err := opentype.NewFace(boldFont, &opentype.FaceOptions{Size: 60, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer title.Close()
	body, err := opentype.NewFace(regularFont, &opentype.FaceOptions{Size: 42, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer body.Close()
	small, err := opentype.NewFace(regularFont, &opentype.FaceOptions{Size: 30, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer small.Close()

	type line struct {
		face font.Face
		text string
		gap  int // pixels before the line
	}
	maxW := fixed.I(signWidth - 2*signMargin/2)
	var lines []line
	for i, l := range wrap(title, text.Title, maxW) {
		gap := 12
		if i == 0 {
			gap = quietZone * module
		}
		lines = append(lines, line{title, l, gap})
	}
	for i, para := range text.Lines {
		for j, l := range wrap(body, para, maxW) {
			gap := 10
			if j == 0 {
				gap = 24
				if i == 0 {
					gap = 40
				}
			}
			lines = append(lines, line{body, l, gap})
		}
	}
	if text.Footer != "" {
		lines = append(lines, line{small, text.Footer, 40})
	}
	height := top + side
	for _, l := range lines {
		height += l.gap + l.face.Metrics().Height.Ceil()
	}
	height += signMargin

	img := image.NewGray(image.Rect(0, 0, signWidth, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	x0 := (signWidth - side) / 2
	black := image.NewUniform(color.Black)
	for y, row := range bm {
		for x, on := range row {
			if on {
				r := image.Rect(x0+x*module, top+y*module, x0+(x+1)*module, top+(y+1)*module)
				draw.Draw(img, r, black, image.Point{}, draw.Src)
			}
		}
	}
	y := top + side
	for _, l := range lines {
		m := l.face.Metrics()
		y += l.gap
		d := &font.Drawer{Dst: img, Src: black, Face: l.face}
		w := d.MeasureString(l.text)
		d.Dot = fixed.Point26_6{X: (fixed.I(signWidth) - w) / 2, Y: fixed.I(y) + m.Ascent}
		d.DrawString(l.text)
		y += m.Height.Ceil()
	}
	return img, nil
}

// wrap breaks s into lines no wider than max, at spaces.
func wrap(face font.Face, s string, max fixed.Int26_6) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if font.MeasureString(face, cur+" "+w) <= max {
			cur += " " + w
			continue
		}
		out = append(out, cur)
		cur = w
	}
	return append(out, cur)
}

// Readable reports whether a ZXing reader (gozxing, the port of the library
// most Android scanners use) finds link in the sign. ZXing misreads about one
// code in a hundred at a desk sign's exact module grid, whatever the encoder
// (skip2/go-qrcode and a port of Nayuki's were both tried); `evalbot qr` then
// draws a new code rather than print a sign some phones cannot read.
func Readable(sign image.Image, link string) bool {
	bmp, err := gozxing.NewBinaryBitmapFromImage(sign)
	if err != nil {
		return false
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	return err == nil && res.GetText() == link
}

// QRPNG is a bare QR code of link, about size pixels wide, as a PNG: the
// per-visit code shown on the official's screen. As with the signs, a code
// ZXing cannot read (Readable) is drawn again at another error correction
// level or size; the link itself cannot change (only its hash is stored).
func QRPNG(link string, size int) ([]byte, error) {
	var last []byte
	for _, lv := range []qrcode.RecoveryLevel{qrcode.Medium, qrcode.High, qrcode.Highest, qrcode.Low} {
		for _, sz := range []int{size, size + 37, size - 29} {
			b, err := qrcode.Encode(link, lv, sz)
			if err != nil {
				return nil, err
			}
			last = b
			img, err := png.Decode(bytes.NewReader(b))
			if err == nil && Readable(img, link) {
				return b, nil
			}
		}
	}
	return last, nil
}
