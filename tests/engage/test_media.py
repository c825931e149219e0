"""The shop's images: checked before decoding (bombs, non-images, too big), resized once,
cached, and used from the cache offline; downloaded through kiosk.api from a real server."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from kiosk.api import LoyaltyClient, errors
from kiosk.media import MAX_BYTES, BadImage, MediaCache, prepare
from refserver.process import ServerProcess

BOX = (320, 200)


def png(size=(640, 400), colour=(200, 80, 40), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header claiming 10 gigapixels, with a few bytes of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_good_image_is_resized_once_to_fit():
    out = Image.open(io.BytesIO(prepare(png((1920, 1200)), BOX)))
    assert out.format == "PNG" and out.size == (320, 200)
    jpeg = Image.open(io.BytesIO(prepare(png((4000, 3000), fmt="JPEG"), BOX)))
    assert max(jpeg.size) <= 320


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (bomb_png(), "decompression bomb"),  # 10 GP: Pillow's own limit
        (bomb_png(8000, 6000), "decompression bomb"),  # 48 MP: ours, under Pillow's
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
        (b"\x00" * 100, "not an image"),
        (b"x" * (MAX_BYTES + 1), "too big"),
    ],
)
def test_bad_images_are_refused_before_decoding(data: bytes, says: str):
    with pytest.raises(BadImage, match=says):
        prepare(data, BOX)


def test_a_refused_image_is_a_log_line_and_no_file(tmp_path: Path, caplog):
    cache = MediaCache(tmp_path)
    with caplog.at_level(logging.WARNING, logger="kiosk.media"):
        assert cache.fetch("https://cdn.example/bomb.png", BOX, lambda u, n: bomb_png()) is None
    assert "cdn.example" in caplog.text and "decompression bomb" in caplog.text
    assert "bomb.png" not in caplog.text  # the host only, never the URL
    assert not list((tmp_path / "media").glob("*.png")) if (tmp_path / "media").exists() else True


def test_cached_once_then_used_offline(tmp_path: Path):
    calls = []

    def download(url: str, cap: int) -> bytes:
        calls.append(url)
        return png()

    def offline(url: str, cap: int) -> bytes:
        raise errors.Offline("no network")

    cache = MediaCache(tmp_path)
    first = cache.fetch("https://cdn.example/a.png", BOX, download)
    assert first is not None and first.is_file()
    assert MediaCache(tmp_path).fetch("https://cdn.example/a.png", BOX, offline) == first
    assert calls == ["https://cdn.example/a.png"]
    assert MediaCache(tmp_path).fetch("https://cdn.example/b.png", BOX, offline) is None


@pytest.fixture
def media_server(tmp_path: Path):
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "slide.png").write_bytes(png())
    (folder / "huge.png").write_bytes(b"\x89PNG" + b"0" * (2 * 1024 * 1024))
    server = ServerProcess(
        tmp_path / "ref.sqlite",
        args=["--admin-token", "t"],
        env={"REFSERVER_MEDIA_DIR": str(folder)},
    )
    server.start(20)
    yield f"http://127.0.0.1:{server.port}"
    server.stop()


def test_download_through_the_api_client_with_a_cap(media_server: str):
    client = LoyaltyClient(media_server, "no-token", retries=0)
    data = client.download(f"{media_server}/media/slide.png", MAX_BYTES)
    assert Image.open(io.BytesIO(data)).size == (640, 400)
    with pytest.raises(errors.BadResponse, match="larger"):
        client.download(f"{media_server}/media/huge.png", 1024 * 1024)
    with pytest.raises(errors.BadResponse, match="404"):
        client.download(f"{media_server}/media/..%2Fref.sqlite", MAX_BYTES)
    with pytest.raises(errors.BadResponse):
        client.download("file:///etc/passwd", MAX_BYTES)
