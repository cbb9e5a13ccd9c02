"""The national benchmark's writes: signing in a resident and an officer, the multipart body
of a report with a 1 MB photo (for wrk's submit.lua), and removing what the runs filed."""

from __future__ import annotations

from pathlib import Path

import psycopg

from bench import national_data


def sign_in(base: str) -> tuple[dict, dict]:
    import requests

    from backend.firebase import emulator_id_token

    token = emulator_id_token("bench-national-resident", "+84919999999", "phananh-demo")
    answer = requests.post(f"{base}/mobile/v1/auth/firebase", json={"id_token": token}, timeout=60)
    answer.raise_for_status()
    resident = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    answer = requests.post(
        f"{base}/staff/v1/auth/login",
        json={"username": "so-xd.officer", "password": "demo"},
        timeout=60,
    )
    answer.raise_for_status()
    return resident, {"Authorization": f"Bearer {answer.json()['access_token']}"}


def submission_body(folder: Path) -> dict[str, str]:
    """The multipart body of a report with a 1 MB photo, split around lat and lng."""
    from bench.national_extras import big_photo

    photo = big_photo(1.0, 2000, 1500, 5)
    boundary = "----phananhbench7d9e"

    def field(name: str, value: str) -> bytes:
        return (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n").encode()  # fmt: skip

    head = field("category", "giao-thong") + field(
        "description", "Ổ gà lớn trên đường Hai Bà Trưng, xe máy đi qua rất nguy hiểm"
    )
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="lat"\r\n\r\n'.encode()
    mid = f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="lng"\r\n\r\n'.encode()
    tail = (
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
        f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    tail += photo + f"\r\n--{boundary}--\r\n".encode()
    names = {}
    for name, data in (("HEAD", head), ("MID", mid), ("TAIL", tail)):
        path = folder / f"submit-{name.lower()}.bin"
        path.write_bytes(data)
        names[f"BENCH_{name}"] = str(path)
    names["BENCH_CTYPE"] = f"multipart/form-data; boundary={boundary}"
    names["photo_bytes"] = str(len(photo))
    return names


def remove_submitted(url: str) -> None:
    """Delete what the submission runs added (reports from id 10,000,001 on), so the
    cached database stays the build."""
    with psycopg.connect(national_data.psycopg_url(url)) as conn:
        conn.execute("SET session_replication_role = replica")
        tables = conn.execute(
            "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c "
            "WHERE c.confrelid = 'reports'::regclass AND c.contype = 'f' "
            "AND c.conrelid <> 'reports'::regclass"
        ).fetchall()
        for (table,) in tables:
            conn.execute(f"DELETE FROM {table} WHERE report_id > 10000000")
        conn.execute("DELETE FROM reports WHERE id > 10000000")
        conn.commit()
