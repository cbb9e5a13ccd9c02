"""Photo validation, metadata extraction and public renditions.

Pure image processing: no Flask, no database. Two entry points:

* :func:`inspect_photo` proves from their structure that uploaded bytes are a complete
  photo in an accepted format, within the pixel limit, and extracts what the app needs
  (displayed size, EXIF GPS position, EXIF capture time, content hash) without decoding a
  single pixel: its cost follows the bytes received, never the pixels a header claims.
  Everything is derived from the bytes themselves, never from a file name or a
  client-declared content type.
* :func:`make_rendition` produces the JPEG that may be shown publicly: correctly rotated,
  downscaled, converted to sRGB and stripped of every piece of metadata (EXIF, GPS, XMP, ICC
  profile, comments), so a citizen's exact location never leaks through a published photo.
  It runs in the rendition job, re-checks the pixel limit before decoding, and is where
  damage hidden inside a compressed bitstream shows (the photo is then marked failed).

Both functions raise :class:`PhotoError` for input that is not an acceptable photo.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from backend.domain.text import N_
from backend.media import containers, exif, flatten, jpeg
from backend.media.jpeg import complete_jpeg

_heif_registered = False


def _heif_opener(data: bytes) -> tuple[str, ...]:
    """The formats to open ``data`` as: HEIF's opener registered with Pillow before the
    first file that may be a HEIF (its own check: ``ftyp`` at bytes 4-8), not when the app
    starts (libheif and the plugin cost every worker about 8 MB, most never see a HEIC);
    until then HEIF is not named (Pillow raises KeyError for an unregistered format)."""
    global _heif_registered
    if not _heif_registered and data[4:8] == b"ftyp":
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True
    return _ACCEPTED if _heif_registered else _ACCEPTED_BUT_HEIF


RENDITIONS: dict[str, int] = {"thumb": 320, "display": 1280}
"""Rendition name -> maximum length in pixels of the longest side."""

_MIME_BY_FORMAT: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIF": "image/heif",
}
_ACCEPTED = tuple(_MIME_BY_FORMAT)
_ACCEPTED_BUT_HEIF = tuple(f for f in _ACCEPTED if f != "HEIF")
# Pillow's JPEG opener reports JPEGs carrying a Multi-Picture (MPF) extension, which many
# phone cameras write, as "MPO"; they are ordinary JPEG files.
_FORMAT_ALIASES: dict[str, str] = {"MPO": "JPEG"}

_BOMB_ERRORS: tuple[type[Exception], ...] = (
    Image.DecompressionBombError,
    # Only raised when warnings are turned into errors (python -W error); otherwise
    # the explicit pixel check against Limits.max_pixels rejects the image.
    Image.DecompressionBombWarning,
)

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoError(Exception):
    """An upload that is not an acceptable photo.

    ``code`` is machine-readable: ``empty_file``, ``image_too_large_bytes``,
    ``not_an_image``, ``unsupported_image_format``, ``image_too_many_pixels`` (too many
    pixels, or too many bytes once decoded), ``image_too_complex`` (more segments, chunks
    or boxes than any camera writes) or ``image_truncated`` (truncated or otherwise
    corrupt image data).
    """

    def __init__(self, code: str, message: str, params: dict | None = None) -> None:
        self.code = code
        self.message = message  # an English msgid (N_), translated where it is shown
        self.params = dict(params or {})
        super().__init__(f"{code}: {message % self.params if self.params else message}")


@dataclass(frozen=True)
class PhotoInfo:
    """What :func:`inspect_photo` learned about a valid photo."""

    format: str
    """Container format: "JPEG", "PNG", "WEBP" or "HEIF"."""
    mime: str
    """MIME type matching ``format``."""
    width: int
    """Width as displayed, i.e. after applying the EXIF orientation."""
    height: int
    """Height as displayed, i.e. after applying the EXIF orientation."""
    gps: tuple[float, float] | None
    """(latitude, longitude) in decimal degrees from the EXIF GPS IFD, if usable."""
    taken_at: datetime | None
    """EXIF DateTimeOriginal (naive camera-local time), if present and valid."""
    sha256: str
    """Hex SHA-256 digest of the original bytes."""
    decoded_bytes: int = 0
    """What decoding the image amounts to: width x height x bytes per pixel of the samples
    the file declares (an 8-bit RGB photo 3, a 16-bit RGBA PNG 8)."""


@dataclass(frozen=True)
class Limits:
    """Upload limits enforced by :func:`inspect_photo` (and :func:`make_rendition`)."""

    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 50_000_000
    """Pixels one photo may declare (width x height); a 7000x7000 PNG (49 MP) fits."""
    max_request_pixels: int = 150_000_000
    """Pixels all the photos of one request may declare together (checked by the caller):
    what one submission may cost the rendition worker, e.g. three 50 MP photos."""
    max_decoded_bytes: int = 200_000_000
    """Bytes one photo may amount to once decoded (:attr:`PhotoInfo.decoded_bytes`): a 50 MP
    photo of 8-bit RGBA fits, a 49 MP PNG of 16-bit RGBA (392 MB) does not."""
    max_request_decoded_bytes: int = 600_000_000
    """Decoded bytes all the photos of one request may amount to (checked by the caller)."""


def _empty_file() -> PhotoError:
    return PhotoError("empty_file", N_("The file is empty."))


def _too_large_bytes(limits: Limits) -> PhotoError:
    mib = limits.max_bytes / (1024 * 1024)
    return PhotoError(
        "image_too_large_bytes",
        N_("The photo is too large; the maximum size is %(size)s MB."),
        {"size": f"{mib:g}"},
    )


def _not_an_image() -> PhotoError:
    return PhotoError("not_an_image", N_("The uploaded file is not an image."))


def _unsupported_format(found: str) -> PhotoError:
    return PhotoError(
        "unsupported_image_format",
        N_("The %(format)s image format is not supported. Please use JPEG, PNG, WEBP or HEIC."),
        {"format": found},
    )


def _too_many_pixels() -> PhotoError:
    return PhotoError("image_too_many_pixels", N_("The photo has too many pixels."))


def _too_many_decoded_bytes(limits: Limits) -> PhotoError:
    mb = limits.max_decoded_bytes // 1_000_000
    return PhotoError(
        "image_too_many_pixels",
        N_("The photo has too many pixels for its colour depth (at most %(mb)s MB decoded)."),
        {"mb": mb},
    )


def _too_complex() -> PhotoError:
    return PhotoError(
        "image_too_complex",
        N_(
            "The photo file holds more segments than any camera writes. "
            "Please save the photo again and resend it."
        ),
    )


def _truncated() -> PhotoError:
    return PhotoError(
        "image_truncated",
        N_("The photo is corrupt or incompletely uploaded. Please try again."),
    )


def _open(data: bytes) -> ImageFile.ImageFile:
    """Identify ``data`` from its content (header only, nothing is decoded yet).

    The parts Pillow's openers walk (segments, chunks, boxes, stray bytes before the image
    data) are counted first, so opening costs a bounded number of steps.
    """
    try:
        jpeg.check_parts(data)
        containers.check_parts(data)
    except (jpeg.TooComplex, containers.TooComplex) as exc:
        raise _too_complex() from exc
    formats = _heif_opener(data)
    try:
        img = Image.open(io.BytesIO(data), formats=formats)
    except _BOMB_ERRORS as exc:
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        raise _classify_unaccepted(data) from exc
    except exif.DECODE_ERRORS as exc:
        raise _truncated() from exc
    if _canonical_format(img) not in _MIME_BY_FORMAT:  # an opener returned another format
        img.close()
        raise _unsupported_format(str(img.format))
    return img


def _classify_unaccepted(data: bytes) -> PhotoError:
    """Tell an image in a format we refuse (GIF, BMP, TIFF...) apart from a non-image."""
    _heif_opener(data)
    try:
        with Image.open(io.BytesIO(data)) as other:
            return _unsupported_format(str(other.format))
    except _BOMB_ERRORS:
        return _too_many_pixels()
    except exif.DECODE_ERRORS:
        return _not_an_image()


def _canonical_format(img: Image.Image) -> str:
    fmt = str(img.format)
    return _FORMAT_ALIASES.get(fmt, fmt)


def _decode(img: ImageFile.ImageFile) -> None:
    """Decode the pixel data (at the scale set by ``draft``), mapping failures to PhotoError."""
    try:
        img.load()
    except _BOMB_ERRORS as exc:
        raise _too_many_pixels() from exc
    except exif.DECODE_ERRORS as exc:
        raise _truncated() from exc


def _prove_complete(fmt: str, data: bytes) -> bytes | None:
    """Refuse ``data`` unless its structure proves it complete; no pixel is decoded.

    Returns the body of a PNG's eXIf chunk (Pillow would only find one placed after the
    image data by decoding the image).

    * JPEG: the markers, tables, frame and scan headers, exactly as libjpeg reads them
      (:func:`backend.media.jpeg.complete_jpeg`): a JPEG accepted here fully decodes;
    * PNG: every chunk whole with its CRC-32, IHDR to IEND with nothing after it;
    * WebP: the RIFF length and every chunk's length add up to the file;
    * HEIF: the boxes fill the file and every item's data lies inside it.

    Damage inside a PNG, WebP or HEIF bitstream that leaves its container intact cannot
    be seen without decoding: the rendition job finds it and marks the photo failed.
    """
    check = {"PNG": containers.check_png, "WEBP": containers.check_webp}.get(
        fmt, containers.check_heif
    )
    try:
        if fmt == "JPEG":
            if not complete_jpeg(data):
                raise _truncated()
            return None
        return check(data)
    except (jpeg.TooComplex, containers.TooComplex) as exc:
        raise _too_complex() from exc
    except containers.Malformed as exc:
        raise _truncated() from exc


#: Pillow decodes every WebP, still or animated, through libwebp's animation decoder,
#: which holds several RGBA canvases at once: a still 7071x7071 RGB WebP peaked at 795 MB.
_WEBP_BYTES_PER_PIXEL = 16


def _decoded_bytes(img: Image.Image, data: bytes) -> int:
    """What decoding will hold, from the header: width x height x bytes per pixel of the
    samples the file declares (one byte per sample, two for a 16-bit PNG or a HEIF of more
    than 8 bits), and for WebP the decoder's canvases."""
    if _canonical_format(img) == "WEBP":
        return img.width * img.height * _WEBP_BYTES_PER_PIXEL
    wide = containers.sample_bytes(data) == 2 or (img.info.get("bit_depth") or 8) > 8
    return img.width * img.height * len(img.getbands()) * (2 if wide else 1)


def inspect_photo(data: bytes, limits: Limits = Limits()) -> PhotoInfo:
    """Validate an uploaded photo and describe it.

    The format is determined from the content alone. The pixel count is checked against
    ``limits.max_pixels`` from the header, before any decoder sees the file, so
    decompression bombs are never expanded in memory; the file is then proved complete
    from its structure (see :func:`_prove_complete`), so truncated, corrupt or padded files
    are rejected without decoding a pixel: the cost follows the bytes, not the pixels.
    Malformed or empty EXIF data never fails the upload: the affected ``gps`` /
    ``taken_at`` fields are simply None.

    Raises:
        PhotoError: ``empty_file``, ``image_too_large_bytes``, ``not_an_image``,
            ``unsupported_image_format``, ``image_too_many_pixels`` (pixels or decoded
            bytes), ``image_too_complex`` or ``image_truncated``.
        RuntimeError: if ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES`` was enabled somewhere in
            the process, which would make truncated uploads pass validation.
    """
    if not data:
        raise _empty_file()
    if len(data) > limits.max_bytes:
        raise _too_large_bytes(limits)
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    declared = containers.declared_size(data)  # WebP's decoder allocates the canvas on open
    if declared is not None and declared[0] * declared[1] > limits.max_pixels:
        raise _too_many_pixels()
    with _open(data) as img:
        width, height = img.size
        if width * height > limits.max_pixels:
            raise _too_many_pixels()
        decoded_bytes = _decoded_bytes(img, data)
        if decoded_bytes > limits.max_decoded_bytes:
            raise _too_many_decoded_bytes(limits)
        fmt = _canonical_format(img)
        png_exif = _prove_complete(fmt, data)
        if png_exif is not None and "exif" not in img.info:
            img.info["exif"] = b"Exif\x00\x00" + png_exif
        exif_data = exif.read(img, decoded=False)
    if exif.orientation(exif_data) in exif.SWAPS_AXES:
        width, height = height, width
    return PhotoInfo(
        format=fmt,
        mime=_MIME_BY_FORMAT[fmt],
        width=width,
        height=height,
        gps=exif.gps(exif_data),
        taken_at=exif.taken_at(exif_data),
        sha256=hashlib.sha256(data).hexdigest(),
        decoded_bytes=decoded_bytes,
    )


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to 8-bit sRGB, honouring the embedded ICC profile when it is usable.

    The profile itself is not kept in the rendition, so colours of photos tagged with e.g.
    Display P3 or Apple Generic RGB must be converted here or they would visibly shift.
    """
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.buildTransform(source, _SRGB, img.mode, "RGB").apply(img)
        except (ImageCms.PyCMSError, *exif.DECODE_ERRORS):
            pass  # unusable profile, or one not matching the pixel mode: convert plainly
    return img if img.mode == "RGB" else img.convert("RGB")


def make_rendition(
    data: bytes, max_side: int, quality: int = 82, limits: Limits = Limits()
) -> tuple[bytes, int, int]:
    """Render ``data`` as a metadata-free JPEG whose longest side is at most ``max_side``.

    The EXIF orientation is applied, the image is scaled down (never up), transparency is
    flattened onto white, colours are converted to sRGB and the result is saved as an
    optimized progressive JPEG containing pixels only: no EXIF, GPS, XMP, ICC profile or
    comment. JPEG sources are decoded at reduced scale (``Image.draft``) when possible;
    the pixel and decoded-bytes limits are checked again before anything is decoded, under
    Pillow's own decompression-bomb guard. Apart from the decoded image, what is flattened
    and scaled is held a strip at a time (see :func:`backend.media.flatten.thumbnail`).

    ``data`` is expected to have passed :func:`inspect_photo`, which proves structure
    only: undecodable input (damage inside a compressed bitstream) raises
    :class:`PhotoError` here, and the photo is then never published.

    Returns:
        ``(jpeg_bytes, width, height)`` of the rendition.
    """
    if max_side < 1:
        raise ValueError("max_side must be positive")
    if not 1 <= quality <= 95:
        raise ValueError("quality must be between 1 and 95")
    if not data:
        raise _empty_file()
    with _open(data) as img:
        if img.width * img.height > limits.max_pixels:
            raise _too_many_pixels()
        if _decoded_bytes(img, data) > limits.max_decoded_bytes:
            raise _too_many_decoded_bytes(limits)
        if _canonical_format(img) == "JPEG":
            img.draft("RGB", (max_side, max_side))
        _decode(img)
        orientation = exif.orientation(exif.read(img))
        # Scaled within a square, then turned upright: the same result as turning first,
        # but only the small image is rotated.
        picture = flatten.thumbnail(img, max_side)
        if orientation != 1:
            picture = picture.transpose(exif.UPRIGHT[orientation])
        picture = _to_srgb(picture, img.info.get("icc_profile"))
        # A brand-new image carries no .info at all; saving the decoded one could copy e.g.
        # a JPEG comment from the source into the rendition.
        clean = Image.new("RGB", picture.size)
        clean.paste(picture)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), clean.width, clean.height
