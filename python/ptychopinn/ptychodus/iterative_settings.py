"""The settings of the iterative reconstructors (PtychoPINN/LSQML, PtychoPINN/rPIE and the hybrid
PtychoPINN/PINN+LSQML): one group, PtychoPINNIterative, shared by the three, as ptychopinn.iterate's
options. ptychodus' stock PtychoPINN integration has no such group, so it is ours; it is taken over
like the stock groups should a registry hold it already (a second library on the same registry).
"""
from .settings import _Group

NOISE_MODELS = ("gaussian", "poisson")


class IterativeSettings(_Group):
    def __init__(self, registry):
        super().__init__(registry, "PtychoPINNIterative")
        p = self._parameter
        self.iterations = p("integer", "NumIterations", 100, minimum=0)
        # 0 = the algorithm's default (rPIE: 1, one pattern per update; LSQML: 64).
        self.batch_size = p("integer", "BatchSize", 0, minimum=0)
        self.probe_modes = p("integer", "NumProbeModes", 1, minimum=1)
        self.probe_refinement = p("boolean", "ProbeRefinement", True)
        self.probe_refinement_start = p("integer", "ProbeRefinementStart", 0, minimum=0)
        self.position_correction = p("boolean", "PositionCorrection", False)
        self.position_correction_start = p("integer", "PositionCorrectionStart", 10, minimum=0)
        self.position_max_step_px = p("real", "PositionMaxStepPx", 0.5, minimum=0.0)
        # LSQML's likelihood: gaussian or poisson (rPIE has none).
        self.noise_model = p("string", "NoiseModel", "gaussian")
        self.device = p("string", "Device", "auto")

    def iterate_options(self):
        """ptychopinn.iterate keyword arguments (without the algorithm and the start)."""
        return dict(iterations=self.iterations.get_value(), batch_size=self.batch_size.get_value(),
                    probe_modes=self.probe_modes.get_value(), probe_refinement=self.probe_refinement.get_value(),
                    probe_refinement_start=self.probe_refinement_start.get_value(),
                    position_correction=self.position_correction.get_value(),
                    position_correction_start=self.position_correction_start.get_value(),
                    position_max_step_px=self.position_max_step_px.get_value(),
                    noise_model=self.noise_model.get_value(), device=self.device.get_value())
