"""Unit test of ganspec_torch's stop request (stop.py): the first SIGINT or SIGTERM is recorded, not
raised; another within SAME_STOP_S is the same request; one later raises KeyboardInterrupt; restore()
puts the handlers back. Run by test/torch-runtime.test.ts. Imports the standard library and
ganspec_torch."""
import signal
import time
import unittest

from ganspec_torch.stop import SAME_STOP_S, StopRequest


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


if __name__ == "__main__":
    unittest.main()
