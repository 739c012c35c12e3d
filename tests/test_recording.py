"""The recordings shipped with mathdl are read exactly as numpy reads them."""

import io
from pathlib import Path

import numpy as np

from mathdl_cli.grading.recording import _read_npz

ROOT = Path(__file__).resolve().parents[1]


def test_every_shipped_recording_reads_as_numpy_reads_it():
    files = sorted(ROOT.glob("graders/*/_recorded/*.npz"))
    assert len(files) > 20
    for path in files:
        ours = _read_npz(path)
        with np.load(path, allow_pickle=False) as npz:
            theirs = {k: npz[k] for k in npz.files}
        assert ours.keys() == theirs.keys(), path
        for key, value in theirs.items():
            assert ours[key].dtype == value.dtype and ours[key].shape == value.shape, (path, key)
            np.testing.assert_array_equal(ours[key], value)


def test_other_arrays_are_left_to_numpy(tmp_path):
    buf = io.BytesIO()
    np.savez_compressed(buf, flat=np.arange(4, dtype=np.uint8), square=np.eye(3), big_endian=np.arange(3, dtype=">i4"), empty=np.zeros(0))
    path = tmp_path / "mixed.npz"
    path.write_bytes(buf.getvalue())
    out = _read_npz(path)
    np.testing.assert_array_equal(out["flat"], np.arange(4, dtype=np.uint8))
    np.testing.assert_array_equal(out["square"], np.eye(3))
    assert out["big_endian"].dtype == np.dtype(">i4") and out["big_endian"].tolist() == [0, 1, 2]
    assert out["empty"].shape == (0,)
