"""The extension's icon: a white handset on the dialer's blue, drawn large and scaled down.

The PNGs in extension/src/icons are checked in; this redraws them when the design changes
(needs Pillow, which the dialer itself does not: `pip install pillow`, then
`python extension/tools/draw_icons.py` and `python extension/build.py`)."""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src" / "icons"
S = 1024
WHITE = (255, 255, 255, 255)


def main() -> None:
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle([24, 24, S - 24, S - 24], radius=230, fill=(31, 111, 235, 255))
    h = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(h)
    cx, cy, r, w = 690, 512, 290, 150
    d.arc([cx - r, cy - r, cx + r, cy + r], start=122, end=238, fill=WHITE, width=w)
    d.rounded_rectangle([430, 205, 735, 365], radius=70, fill=WHITE)   # ear piece
    d.rounded_rectangle([430, 659, 735, 819], radius=70, fill=WHITE)   # mouth piece
    h = h.rotate(35, resample=Image.BICUBIC, center=(S / 2, S / 2), translate=(-20, 0))
    img = Image.alpha_composite(img, h)
    for size in (16, 32, 48, 128):
        img.resize((size, size), Image.LANCZOS).save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
