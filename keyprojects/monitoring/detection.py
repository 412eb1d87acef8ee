"""The activity score, on the CPU with OpenCV and no downloaded weights.

A snapshot is decoded once at a quarter of its size (libjpeg scales while it decodes, so a
1080p frame costs a fraction of a full decode). Its thumbnail-sized grey image is compared
with the camera's previous thumbnail, masks (roads, sky) left out: the share of pixels that
changed is the change score. Where the scene moved, HOG people detection (OpenCV's built-in
linear SVM) on the quarter-size frame estimates how many people are on site. The detector is
pluggable: `MONITORING_DETECTOR = "package.module.Class"` names a class with the same
`score()` and `people_in()` where a deployment has a stronger model.
"""

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"
THUMB_WIDTH = 320
ACTIVE_CHANGE = 1.0  # % of the site that moved between two frames to count as activity


class NotAnImage(ValueError):
    pass


@dataclass(frozen=True)
class Frame:
    grey: np.ndarray
    width: int
    height: int


@dataclass(frozen=True)
class Score:
    change: float  # % of unmasked pixels that moved
    people: int
    # Mean grey-level difference from the previous frame: a live camera's sensor noise keeps it
    # above zero even on a still site; a frozen stream repeats the very same picture.
    noise: float = 99.0

    @property
    def moved(self) -> bool:
        return self.change >= ACTIVE_CHANGE

    @property
    def activity(self) -> float:
        """0–100: movement counts up to 25 % of the site, each person 10."""
        return round(min(100.0, self.change * 4 + self.people * 10), 1)


def kind_of(content: bytes) -> str | None:
    if content.startswith(JPEG):
        return "jpeg"
    if content.startswith(PNG):
        return "png"
    return None


def _decode(content: bytes, flags: int) -> np.ndarray:
    if kind_of(content) is None:
        raise NotAnImage("not a JPEG or PNG")
    image = cv2.imdecode(np.frombuffer(content, np.uint8), flags)
    if image is None or image.size == 0:
        raise NotAnImage("unreadable image")
    return image


def decode(content: bytes) -> Frame:
    """The frame at a quarter of its size in grey; NotAnImage for anything that is not a
    readable JPEG or PNG (checked by content, never by name)."""
    grey = _decode(content, cv2.IMREAD_REDUCED_GRAYSCALE_4)
    return Frame(grey=grey, width=grey.shape[1] * 4, height=grey.shape[0] * 4)


def decode_small(content: bytes) -> Frame | None:
    """A stored thumbnail as the grey frame the change score compares with."""
    try:
        grey = _decode(content, cv2.IMREAD_GRAYSCALE)
    except NotAnImage:
        return None
    return Frame(grey=grey, width=grey.shape[1], height=grey.shape[0])


def digest(frame: Frame) -> str:
    """A 16×16 average hash: the same scene frozen gives the same digest, noise aside."""
    tiny = cv2.resize(frame.grey, (16, 16), interpolation=cv2.INTER_AREA)
    bits = (tiny > tiny.mean()).flatten()
    return np.packbits(bits).tobytes().hex()


@dataclass(frozen=True)
class Processed:
    jpeg: bytes  # what is kept (a PNG converted)
    thumbnail: bytes
    width: int
    height: int
    frame: Frame  # a quarter of the size, grey: for people detection
    small: Frame  # the thumbnail's size, grey: for the change score
    digest: str


def process(content: bytes) -> Processed:
    """One decode at a quarter of the size gives the thumbnail, the grey frames and the hash;
    only a PNG is decoded in full, to be kept as JPEG."""
    if kind_of(content) == "png":
        full = _decode(content, cv2.IMREAD_COLOR)
        height, width = full.shape[:2]
        content = cv2.imencode(".jpg", full, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
        colour = cv2.resize(full, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    else:
        colour = _decode(content, cv2.IMREAD_REDUCED_COLOR_4)
        height, width = colour.shape[0] * 4, colour.shape[1] * 4
    scale = THUMB_WIDTH / colour.shape[1]
    thumb = cv2.resize(colour, (THUMB_WIDTH, max(1, round(colour.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    thumbnail = cv2.imencode(".jpg", thumb, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()
    grey = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
    # The change score compares with the stored thumbnail, so this frame goes through the same
    # JPEG round trip: otherwise compression alone would read as movement.
    small_grey = cv2.imdecode(np.frombuffer(thumbnail, np.uint8), cv2.IMREAD_GRAYSCALE)
    small = Frame(grey=small_grey, width=small_grey.shape[1], height=small_grey.shape[0])
    return Processed(
        jpeg=content,
        thumbnail=thumbnail,
        width=width,
        height=height,
        frame=Frame(grey=grey, width=width, height=height),
        small=small,
        digest=digest(small),
    )


def mask_for(shape: tuple[int, int], polygons: list) -> np.ndarray | None:
    """255 where the score looks, 0 under the drawn masks; None when nothing is masked."""
    if not polygons:
        return None
    height, width = shape
    mask = np.full((height, width), 255, np.uint8)
    for polygon in polygons:
        points = np.array([[float(x) * width, float(y) * height] for x, y in polygon], np.int32)
        if len(points) >= 3:
            cv2.fillPoly(mask, [points], 0)
    return mask


@cache
def _hog():
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    return hog


class OpenCVDetector:
    """Frame differencing and HOG people presence (see the module docstring)."""

    threshold = 25  # grey levels: below is sensor noise and JPEG artefacts

    def score(self, frame: Frame, previous: Frame | None, mask: np.ndarray | None) -> Score:
        if previous is None or previous.grey.shape != frame.grey.shape:
            return Score(change=0.0, people=0)
        diff = cv2.absdiff(frame.grey, previous.grey)
        noise = round(float(diff.mean()), 2)
        moved = diff > self.threshold
        if mask is not None:
            moved &= mask > 0
            area = int(np.count_nonzero(mask)) or 1
        else:
            area = moved.size
        return Score(change=round(100.0 * int(np.count_nonzero(moved)) / area, 2), people=0, noise=noise)

    def people_in(self, frame: Frame, polygons: list) -> int:
        grey = frame.grey
        if grey.shape[0] < 128 or grey.shape[1] < 64:
            return 0
        found, _weights = _hog().detectMultiScale(grey, winStride=(8, 8), padding=(0, 0), scale=1.25)
        mask = mask_for(grey.shape, polygons)
        if mask is None:
            return len(found)
        bottom, right = mask.shape[0] - 1, mask.shape[1] - 1
        return sum(1 for x, y, w, h in found if mask[min(y + h // 2, bottom), min(x + w // 2, right)])


@cache
def detector():
    path = getattr(settings, "MONITORING_DETECTOR", "")
    return import_string(path)() if path else OpenCVDetector()
