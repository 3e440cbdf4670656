"""Unit test of ganspec_torch's stop request (stop.py): the first SIGINT or SIGTERM is recorded, not
raised; another within SAME_STOP_S is the same request; one later raises KeyboardInterrupt; restore()
puts the handlers back; the first leaves the file $GANSPEC_STOP_FILE names (gan-train then passes
nothing on), and a request gan-train left there is read when the handlers are put in place. A Ctrl-C while distributed.start joins the process group (its socket calls fail on
EINTR) is held until the group stands, then recorded like any. Run by test/torch-runtime.test.ts.
Imports the standard library, torch and ganspec_torch."""
import os
import signal
import tempfile
import time
import unittest
from unittest import mock

from ganspec_torch import distributed
from ganspec_torch.stop import SAME_STOP_S, STOP_FILE_ENV, StopRequest


class Stop(unittest.TestCase):
    def test_first_signal_recorded_repeat_ignored_later_one_raises(self):
        before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        stop = StopRequest()
        try:
            self.assertEqual(stop.signum, 0)
            signal.raise_signal(signal.SIGTERM)
            self.assertEqual(stop.signum, signal.SIGTERM)
            signal.raise_signal(signal.SIGINT)  # the same Ctrl-C passed on: still a request to stop after the step
            self.assertEqual(stop.signum, signal.SIGTERM)
            time.sleep(SAME_STOP_S + 0.1)
            with self.assertRaises(KeyboardInterrupt):
                signal.raise_signal(signal.SIGINT)
        finally:
            stop.restore()
        self.assertEqual({sig: signal.getsignal(sig) for sig in before}, before)

    def test_first_signal_leaves_the_stop_file(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "stop-requested")
            stop = StopRequest()
            try:
                with mock.patch.dict(os.environ, {STOP_FILE_ENV: path}):
                    self.assertFalse(os.path.exists(path))
                    signal.raise_signal(signal.SIGINT)
                    self.assertEqual(stop.signum, signal.SIGINT)
                    with open(path, encoding="utf-8") as f:
                        self.assertEqual(f.read(), "SIGINT", "the first request leaves the file, naming its signal")
            finally:
                stop.restore()

    def test_a_request_gan_train_left_in_the_file_is_read_at_creation(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "stop-requested")
            with open(path, "w", encoding="utf-8") as f:
                f.write("SIGTERM")  # passed on while this process still started, its SIGINT and SIGTERM ignored
            with mock.patch.dict(os.environ, {STOP_FILE_ENV: path}):
                stop = StopRequest()
            try:
                self.assertEqual(stop.signum, signal.SIGTERM)
                signal.raise_signal(signal.SIGINT)  # the signal itself, arriving now: the same request
                self.assertEqual(stop.signum, signal.SIGTERM)
            finally:
                stop.restore()

    def test_a_signal_while_the_process_group_starts_is_held_then_recorded(self):
        seen = {}

        def joining(backend):  # stands for the rendezvous: a Ctrl-C comes in the middle of it
            seen["backend"] = backend
            seen["held"] = signal.pthread_sigmask(signal.SIG_BLOCK, []) & {signal.SIGINT, signal.SIGTERM}
            os.kill(os.getpid(), signal.SIGINT)
            seen["during"] = stop.signum  # not delivered yet: no EINTR in the socket calls

        stop = StopRequest()
        try:
            with mock.patch.dict(os.environ, {"WORLD_SIZE": "2", "RANK": "1"}), \
                    mock.patch.object(distributed.dist, "is_initialized", return_value=False), \
                    mock.patch.object(distributed.dist, "init_process_group", joining):
                procs = distributed.start("cpu")
            self.assertEqual((procs.rank, procs.world, seen["backend"]), (1, 2, "gloo"))
            self.assertEqual(seen["held"], {signal.SIGINT, signal.SIGTERM})
            self.assertEqual(seen["during"], 0)
            self.assertEqual(stop.signum, signal.SIGINT, "delivered once the group stands: a request to stop")
            self.assertEqual(signal.pthread_sigmask(signal.SIG_BLOCK, []) & {signal.SIGINT, signal.SIGTERM}, set())
        finally:
            stop.restore()


if __name__ == "__main__":
    unittest.main()
