"""Synthetic site images for the demo and the tests: sky, ground, a building rising floor by
floor, a crane; on a working day trucks and workers move between two snapshots, on an idle
day nothing does. Deterministic from the seed, so a demo looks the same on every machine."""

import random

import cv2
import numpy as np


def site_image(
    step: int, *, moving: bool = True, seed: int = 0, size=(640, 360), floors: int = 4, grain: int | None = None
) -> bytes:
    """`grain` adds a live sensor's noise (seeded): a still site through a live camera; without
    it the same arguments give the very same picture, as a frozen stream does."""
    width, height = size
    rng = random.Random(seed)
    image = np.zeros((height, width, 3), np.uint8)
    horizon = height // 3
    image[:horizon] = (205 + rng.randint(-15, 15), 175, 130)  # sky (BGR)
    image[horizon:] = (70, 105 + rng.randint(-10, 10), 135)  # earth
    left = width // 10 + rng.randint(0, width // 5)
    floor_height = max(8, height // 18)
    for floor in range(floors):
        top = height * 2 // 3 - (floor + 1) * floor_height
        cv2.rectangle(image, (left, top), (left + width // 4, top + floor_height - 2), (150, 150, 155), -1)
    mast = left + width // 4 + 30
    cv2.line(image, (mast, height * 2 // 3), (mast, horizon // 2), (40, 180, 230), 4)  # crane
    cv2.line(image, (mast - 60, horizon // 2), (mast + 160, horizon // 2), (40, 180, 230), 3)
    x = (step * width // 6 + seed * 37) % (width - 140) if moving else width // 2 + seed % 50
    cv2.rectangle(image, (x, height // 2 + 20), (x + 110, height // 2 + 75), (0, 140, 255), -1)  # truck
    if moving:
        for person in range(3):
            px = (x + 150 + person * 40 + step * 25) % (width - 20)
            cv2.rectangle(image, (px, height * 3 // 4), (px + 10, height * 3 // 4 + 34), (30, 30, 200), -1)
    if grain is not None:
        noise = np.random.default_rng(grain).normal(0, 3, image.shape)
        image = np.clip(image + noise, 0, 255).astype(np.uint8)
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
