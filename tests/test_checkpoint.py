"""Checkpoints: round trips, and clear errors for files that are not checkpoints."""

import re

import numpy as np
import pytest

import mlopt


@pytest.fixture
def saved(tmp_path):
    opt = mlopt.adam(lr=0.1)
    params = {"w": np.arange(6.0).reshape(2, 3), "b": [np.ones(3), (np.zeros(()),)]}
    state = opt.init(params)
    params, state = opt.update(params, state, params)
    path = tmp_path / "ckpt.npz"
    mlopt.save_state(path, state)
    return path, state


def test_round_trip_keeps_everything(saved):
    path, state = saved
    loaded = mlopt.load_state(path)
    assert loaded.optimizer == "adam" and loaded.step == 1
    assert loaded.params_spec == state.params_spec
    assert loaded.slots["m"]["b"][1][0].shape == ()
    assert np.array_equal(loaded.slots["v"]["w"], state.slots["v"]["w"])


def test_a_missing_file(tmp_path):
    path = tmp_path / "nowhere.npz"
    with pytest.raises(FileNotFoundError, match=re.escape(str(path))):
        mlopt.load_state(path)
    with pytest.raises(ValueError, match="does not exist"):
        mlopt.load_state(path)


def test_a_truncated_file(saved, tmp_path):
    path, _ = saved
    data = path.read_bytes()
    cut = tmp_path / "cut.npz"
    for size in (0, 10, len(data) // 2, len(data) - 1):
        cut.write_bytes(data[:size])
        with pytest.raises(mlopt.CheckpointError, match="is not a readable mlopt checkpoint"):
            mlopt.load_state(cut)


def test_files_that_are_not_checkpoints(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    npy = tmp_path / "array.npy"
    np.save(npy, np.ones(3))
    npz = tmp_path / "other.npz"
    np.savez(npz, weights=np.ones(3))
    for path in (text, npy, npz):
        with pytest.raises(mlopt.CheckpointError, match=re.escape(repr(str(path)))):
            mlopt.load_state(path)


def test_a_tampered_buffer_is_reported(saved, tmp_path):
    path, _ = saved
    with np.load(path) as data:
        arrays = dict(data)
    arrays["m/0"] = np.zeros(7)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    with pytest.raises(mlopt.CheckpointError, match=r"buffer m/0 has shape \(7,\)"):
        mlopt.load_state(bad)


def test_a_loaded_state_is_checked_like_any_other(saved):
    path, _ = saved
    state = mlopt.load_state(path)
    with pytest.raises(ValueError, match="state was made by mlopt.adam, not by mlopt.gd"):
        mlopt.gd().update(np.ones(2), state, np.ones(2))
    with pytest.raises(ValueError, match="state belongs to another params tree"):
        mlopt.adam().update(np.ones(2), state, np.ones(2))


def test_only_string_keys_can_be_saved(tmp_path):
    state = mlopt.gd().init({1: np.ones(2)})
    with pytest.raises(TypeError, match="only dicts with string keys can be saved; got key 1"):
        mlopt.save_state(tmp_path / "x.npz", state)
