"""The instance's own secret key (no SECRET_KEY in development): one key for every
process sharing the instance folder, even when they start at the same moment."""

from __future__ import annotations

import multiprocessing

from backend.config_values import dev_secret_key


def _key(folder, barrier, keys) -> None:
    barrier.wait()  # every process at the missing file at once
    keys.put(dev_secret_key(folder))


def test_app_servers_started_at_once_agree_on_the_instance_key(tmp_path):
    context = multiprocessing.get_context("fork")
    barrier, keys = context.Barrier(6), context.Queue()
    processes = [context.Process(target=_key, args=(tmp_path, barrier, keys)) for _ in range(6)]
    for process in processes:
        process.start()
    found = {keys.get(timeout=30) for _ in processes}
    for process in processes:
        process.join(timeout=30)
    assert found == {(tmp_path / "secret_key").read_text().strip()}
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no file left over


def test_the_instance_key_is_kept_across_restarts(tmp_path):
    first = dev_secret_key(tmp_path)
    assert len(first) >= 48
    assert dev_secret_key(tmp_path) == first
