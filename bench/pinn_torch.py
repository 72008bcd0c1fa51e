#!/usr/bin/python3
"""The PINN of ptychopinn written in PyTorch (Python), for bench/pinn_bench's comparison column.

The same network as src/ptychopinn/nets (encoder of Conv_Pool blocks, two decoders with the
pad_object head and the probe_big ring, the same widths; the trainable parameter count is printed
so the table can show that both sides built the same net) and the same physics as model/PinnModel
(merge over the canvas, extract, probe, far-field amplitude, Poisson NLL), timed the same way:
a training step is zero_grad + forward + loss + backward + Adam step on one batch of groups, an
inference step is the generator alone under no_grad (as ptychopinn infer).

Usage: pinn_torch.py --threads T --seconds S --case N:gridsize:canvas:train_batch:infer_batch ...
Prints one JSON object per case on stdout.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ENCODER = {64: [32, 64, 128], 128: [16, 32, 64, 128], 256: [8, 16, 32, 64, 128]}
DECODER = {64: [64, 32], 128: [128, 64, 32], 256: [256, 128, 64, 32]}
RING_CHANNELS = 4


def conv3x3(cin, cout):
    return nn.Conv2d(cin, cout, 3, padding=1)


class ConvPool(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1, self.conv2 = conv3x3(cin, cout), conv3x3(cout, cout)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2, ceil_mode=True)


class ConvUp(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1, self.conv2 = conv3x3(cin, cout), conv3x3(cout, cout)

    def forward(self, x):
        return F.interpolate(F.relu(self.conv2(F.relu(self.conv1(x)))), scale_factor=2, mode="nearest")


def center_mask(n, device):
    m = torch.zeros(n, n, device=device)
    m[n // 4 : n // 4 + n // 2, n // 4 : n // 4 + n // 2] = 1
    return m


class Decoder(nn.Module):
    def __init__(self, n, cout, nfs, amplitude):
        super().__init__()
        widths = [w * nfs for w in DECODER[n]]
        cin = ENCODER[n][-1] * nfs
        self.blocks = nn.ModuleList()
        for w in widths:
            self.blocks.append(ConvUp(cin, w))
            cin = w
        self.conv1 = conv3x3(cin - RING_CHANNELS, cout)
        up = nfs * 2048 // n
        self.conv_up = ConvUp(RING_CHANNELS, up)
        self.conv2 = conv3x3(up, cout)
        self.amplitude = amplitude
        self.register_buffer("ring", 1 - center_mask(n, None))
        self.n = n

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        act = torch.sigmoid if self.amplitude else (lambda t: math.pi * torch.tanh(t))
        q = self.n // 4
        x1 = F.pad(act(self.conv1(x[:, :-RING_CHANNELS])), (q, q, q, q))
        x2 = F.silu(self.conv2(self.conv_up(x[:, -RING_CHANNELS:])))
        return x1 + x2 * self.ring


class Generator(nn.Module):
    def __init__(self, n, gridsize, nfs=2):
        super().__init__()
        c = gridsize * gridsize
        self.encoder = nn.ModuleList()
        cin = c
        for w in ENCODER[n]:
            self.encoder.append(ConvPool(cin, w * nfs))
            cin = w * nfs
        self.amp = Decoder(n, c, nfs, True)
        self.phase = Decoder(n, c, nfs, False)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        for b in self.encoder:
            x = b(x)
        return torch.polar(self.amp(x), self.phase(x))


def translate(images, offsets):
    """Complex images [K, M, M] moved by +offsets [K, 2] ([x, y] px), bilinear, zero fill."""
    k, m, _ = images.shape
    theta = torch.zeros(k, 2, 3, dtype=torch.float32, device=images.device)
    theta[:, 0, 0] = 1
    theta[:, 1, 1] = 1
    theta[:, :, 2] = -2 * offsets / m
    grid = F.affine_grid(theta, (k, 2, m, m), align_corners=False)
    real = torch.view_as_real(images).permute(0, 3, 1, 2)
    moved = F.grid_sample(real, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return torch.view_as_complex(moved.permute(0, 2, 3, 1).contiguous())


def pad_to(x, m):
    n = x.shape[-1]
    lo = (m - n) // 2
    return F.pad(x, (lo, m - n - lo, lo, m - n - lo))


class Pinn(nn.Module):
    def __init__(self, n, gridsize, canvas, probe, scale):
        super().__init__()
        self.generator = Generator(n, gridsize)
        self.n, self.c, self.m = n, gridsize * gridsize, canvas
        self.register_buffer("probe", probe)
        self.scale = scale

    def forward(self, patterns, offsets):
        b = patterns.shape[0]
        obj = self.generator(patterns)  # [B, C, N, N] complex
        flat = offsets.reshape(b * self.c, 2)
        padded = pad_to(torch.view_as_real(obj).permute(0, 1, 4, 2, 3).reshape(b * self.c * 2, self.n, self.n), self.m)
        padded = torch.view_as_complex(padded.reshape(b * self.c, 2, self.m, self.m).permute(0, 2, 3, 1).contiguous())
        mask = pad_to(center_mask(self.n, patterns.device), self.m).to(torch.complex64).expand(b * self.c, -1, -1)
        numerator = translate(padded, -flat).reshape(b, self.c, self.m, self.m).sum(1)
        denominator = translate(mask.contiguous(), -flat).reshape(b, self.c, self.m, self.m).sum(1)
        canvas = numerator / (denominator + 0.001)
        moved = translate(canvas.repeat_interleave(self.c, 0), flat)
        lo = (self.m - self.n) // 2
        patches = moved[:, lo : lo + self.n, lo : lo + self.n].reshape(b, self.c, self.n, self.n)
        psi = patches * self.probe
        far = torch.fft.fftshift(torch.fft.fft2(psi, norm="ortho"), dim=(-2, -1))
        return far.abs() * self.scale


def rate(step, seconds, device, repeats):
    def synced():
        step()
        if device.type == "cuda":
            torch.cuda.synchronize()

    synced()  # warm-up: allocator, oneDNN primitive caches
    synced()
    rates = []
    for _ in range(repeats):
        count, start = 0, time.perf_counter()
        while True:
            synced()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                rates.append(count / elapsed)
                break
    return sorted(rates)[len(rates) // 2]


def run_case(n, gridsize, canvas, train_batch, infer_batch, seconds, device, repeats):
    torch.manual_seed(1)
    c = gridsize * gridsize
    probe = torch.polar(torch.ones(n, n), torch.zeros(n, n))
    scale = math.sqrt(1e9) / (n / 2)
    model = Pinn(n, gridsize, canvas, probe, scale).to(device)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    patterns = torch.rand(train_batch, c, n, n, device=device)
    offsets = (torch.rand(train_batch, c, 2, device=device) - 0.5) * 4 * (gridsize - 1)
    observed = (patterns * scale) ** 2

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        predicted = model(patterns, offsets) ** 2
        loss = (predicted - observed * torch.log(predicted + 1e-12)).mean()
        loss.backward()
        optimizer.step()

    train_groups = rate(train_step, seconds, device, repeats) * train_batch
    infer_patterns_in = torch.rand(infer_batch, c, n, n, device=device)

    def infer_step():
        with torch.no_grad():
            model.generator(infer_patterns_in)

    infer_patterns = rate(infer_step, seconds, device, repeats) * infer_batch * c
    return {"N": n, "gridsize": gridsize, "trainable_parameters": params,
            "train_samples_per_s": train_groups, "infer_patterns_per_s": infer_patterns}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--repeats", type=int, default=3, help="median of this many measurements")
    parser.add_argument("--case", action="append", required=True, help="N:gridsize:canvas:train_batch:infer_batch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # ptychopinn flushes denormal floats to zero on every thread it computes on; so does the twin,
    # so that the ratio compares the implementations and not the FPU's denormal mode (without it
    # PyTorch's rates here swing by up to a factor of two between runs of the same script).
    torch.set_flush_denormal(True)
    for case in args.case:
        n, g, m, tb, ib = (int(v) for v in case.split(":"))
        result = run_case(n, g, m, tb, ib, args.seconds, torch.device(args.device), args.repeats)
        result["torch_version"] = torch.__version__
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
