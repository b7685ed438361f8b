#!/usr/bin/env python3
"""Per-step time of diffusers' schedulers on torch CPU, on a [1, 4, 64, 64] float32 latent.

If `diffusers` is importable, its scheduler classes are timed. Otherwise (the case on this
machine: Debian ships python3-torch but not diffusers) each scheduler's `step` is re-implemented
here with the same sequence of torch operations diffusers performs (0-d float32 tensors for the
scalars, timestep lookups by `(timesteps == t).nonzero()`, scipy `quad` for LMS, `linalg.solve` and
`einsum` for UniPC), and those are timed instead. The JSON on stdout says which one ran.

Method: for each scheduler, 25 inference steps (SD 1.5 betas), a constant model output, the whole
rollout timed `--repeats` times; per-step time = fastest rollout time / number of `step` calls (on a shared machine the minimum
is the least contended measurement).
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import torch

T = 1000
SHAPE = (1, 4, 64, 64)
SD = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")


def sd_alphas_cumprod():
    betas = torch.linspace(0.00085**0.5, 0.012**0.5, T, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


AC = sd_alphas_cumprod()
SIGMA_TABLE = ((1 - AC) / AC) ** 0.5


def index_for(timesteps, t):
    c = (timesteps == t).nonzero()
    return c[1].item() if len(c) > 1 else c[0].item()


# ---------------------------------------------------------------------------------------------
# VP schedulers (DDPM, DDIM, PNDM, LCM, TCD)


class DDIM:
    def __init__(self, n):
        self.n = n
        self.timesteps = torch.from_numpy((np.arange(0, n) * (T // n)).round()[::-1].copy().astype(np.int64) + 1)
        self.final = AC[0]

    def step(self, mo, t, x, eta=0.0):
        prev_t = t - T // self.n
        a_t = AC[t]
        a_prev = AC[prev_t] if prev_t >= 0 else self.final
        b_t = 1 - a_t
        x0 = (x - b_t ** (0.5) * mo) / a_t ** (0.5)
        eps = mo
        variance = ((1 - a_prev) / b_t) * (1 - a_t / a_prev)
        std = eta * variance ** (0.5)
        direction = (1 - a_prev - std**2) ** (0.5) * eps
        return a_prev ** (0.5) * x0 + direction


class DDPM:
    def __init__(self, n):
        self.n = n
        self.timesteps = torch.from_numpy((np.arange(0, n) * (T // n)).round()[::-1].copy().astype(np.int64))

    def step(self, mo, t, x, gen=None):
        prev_t = t - T // self.n
        a_t = AC[t]
        a_prev = AC[prev_t] if prev_t >= 0 else torch.tensor(1.0)
        b_t = 1 - a_t
        b_prev = 1 - a_prev
        cur_a = a_t / a_prev
        cur_b = 1 - cur_a
        x0 = (x - b_t ** (0.5) * mo) / a_t ** (0.5)
        x0 = x0.clamp(-1.0, 1.0)
        c0 = (a_prev ** (0.5) * cur_b) / b_t
        c1 = cur_a ** (0.5) * b_prev / b_t
        pred = c0 * x0 + c1 * x
        if t > 0:
            noise = torch.randn(mo.shape, generator=gen, dtype=mo.dtype)
            var = (1 - a_prev) / (1 - a_t) * cur_b
            var = torch.clamp(var, min=1e-20)
            pred = pred + (var ** 0.5) * noise
        return pred


class PNDM:
    def __init__(self, n):
        self.n = n
        ratio = T // n
        ts = (np.arange(0, n) * ratio).round() + 1
        plms = np.concatenate([ts[:-1], ts[-2:-1], ts[-1:]])[::-1].copy()
        self.timesteps = torch.from_numpy(plms.astype(np.int64))
        self.ets = []
        self.counter = 0
        self.cur_sample = None

    def _prev(self, x, t, prev_t, mo):
        a_t = AC[t]
        a_prev = AC[prev_t] if prev_t >= 0 else AC[0]
        b_t = 1 - a_t
        b_prev = 1 - a_prev
        coeff = (a_prev / a_t) ** (0.5)
        denom = a_t * b_prev ** (0.5) + (a_t * b_t * a_prev) ** (0.5)
        return coeff * x - (a_prev - a_t) * mo / denom

    def step(self, mo, t, x):
        prev_t = t - T // self.n
        if self.counter != 1:
            self.ets = self.ets[-3:]
            self.ets.append(mo)
        else:
            prev_t = t
            t = t + T // self.n
        if len(self.ets) == 1 and self.counter == 0:
            self.cur_sample = x
        elif len(self.ets) == 1 and self.counter == 1:
            mo = (mo + self.ets[-1]) / 2
            x = self.cur_sample
            self.cur_sample = None
        elif len(self.ets) == 2:
            mo = (3 * self.ets[-1] - self.ets[-2]) / 2
        elif len(self.ets) == 3:
            mo = (23 * self.ets[-1] - 16 * self.ets[-2] + 5 * self.ets[-3]) / 12
        else:
            mo = (1 / 24) * (55 * self.ets[-1] - 59 * self.ets[-2] + 37 * self.ets[-3] - 9 * self.ets[-4])
        out = self._prev(x, t, prev_t, mo)
        self.counter += 1
        return out


class LCM:
    def __init__(self, n, tcd=False, eta=0.3):
        k = T // 50
        orig = np.asarray(list(range(1, 51))) * k - 1
        idx = np.floor(np.linspace(0, 50, num=n, endpoint=False)).astype(np.int64)
        self.timesteps = torch.from_numpy(orig[::-1].copy()[idx])
        self.tcd = tcd
        self.eta = eta
        self.i = 0

    def step(self, mo, t, x, gen=None):
        i = self.i
        prev_t = self.timesteps[i + 1] if i + 1 < len(self.timesteps) else torch.tensor(0)
        a_t = AC[t]
        b_t = 1 - a_t
        a_prev = AC[prev_t] if prev_t >= 0 else torch.tensor(1.0)
        if self.tcd:
            s = torch.floor((1 - self.eta) * prev_t).to(torch.long)
            a_s = AC[s]
            b_s = 1 - a_s
            x0 = (x - b_t.sqrt() * mo) / a_t.sqrt()
            eps = mo
            pns = a_s.sqrt() * x0 + b_s.sqrt() * eps
            out = pns
            if self.eta > 0 and i != len(self.timesteps) - 1:
                noise = torch.randn(mo.shape, generator=gen, dtype=mo.dtype)
                out = (a_prev / a_s).sqrt() * pns + (1 - a_prev / a_s).sqrt() * noise
        else:
            scaled = t * 10.0
            c_skip = 0.5**2 / (scaled**2 + 0.5**2)
            c_out = scaled / (scaled**2 + 0.5**2) ** 0.5
            x0 = (x - b_t.sqrt() * mo) / a_t.sqrt()
            den = c_out * x0 + c_skip * x
            if i != len(self.timesteps) - 1:
                noise = torch.randn(mo.shape, generator=gen, dtype=den.dtype)
                out = a_prev.sqrt() * den + (1 - a_prev).sqrt() * noise
            else:
                out = den
        self.i += 1
        return out


# ---------------------------------------------------------------------------------------------
# k-diffusion family (Euler, Euler-ancestral, Heun, LMS, KDPM2)


def linspace_timesteps(n):
    return np.linspace(0, T - 1, n, dtype=np.float64)[::-1].copy()


def interp_sigmas(ts):
    s = np.array(SIGMA_TABLE)
    return np.interp(ts, np.arange(0, len(s)), s)


class Euler:
    def __init__(self, n):
        ts = linspace_timesteps(n)
        s = np.concatenate([interp_sigmas(ts), [0.0]]).astype(np.float32)
        self.sigmas = torch.from_numpy(s)
        self.timesteps = torch.from_numpy(ts.astype(np.float32))
        self.step_index = None

    def scale_model_input(self, x, t):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        return x / ((self.sigmas[self.step_index] ** 2 + 1) ** 0.5)

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        x = x.to(torch.float32)
        sigma = self.sigmas[self.step_index]
        gamma = 0.0
        sigma_hat = sigma * (gamma + 1)
        x0 = x - sigma_hat * mo
        d = (x - x0) / sigma_hat
        dt = self.sigmas[self.step_index + 1] - sigma_hat
        out = x + d * dt
        self.step_index += 1
        return out


class EulerAncestral(Euler):
    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        sigma = self.sigmas[self.step_index]
        x = x.to(torch.float32)
        x0 = x - sigma * mo
        sigma_from = self.sigmas[self.step_index]
        sigma_to = self.sigmas[self.step_index + 1]
        sigma_up = (sigma_to**2 * (sigma_from**2 - sigma_to**2) / sigma_from**2) ** 0.5
        sigma_down = (sigma_to**2 - sigma_up**2) ** 0.5
        d = (x - x0) / sigma
        dt = sigma_down - sigma
        out = x + d * dt
        noise = torch.randn(mo.shape, dtype=mo.dtype, generator=gen)
        out = out + noise * sigma_up
        self.step_index += 1
        return out


class Heun(Euler):
    def __init__(self, n):
        ts = linspace_timesteps(n)
        s = interp_sigmas(ts)
        s = torch.from_numpy(np.concatenate([s, [0.0]]).astype(np.float32))
        self.sigmas = torch.cat([s[:1], s[1:-1].repeat_interleave(2), s[-1:]])
        t = torch.from_numpy(ts.astype(np.float32))
        self.timesteps = torch.cat([t[:1], t[1:].repeat_interleave(2)])
        self.prev_derivative = None
        self.dt = None
        self.x_start = None
        self.step_index = None

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        first = self.dt is None
        if first:
            sigma = self.sigmas[self.step_index]
            sigma_next = self.sigmas[self.step_index + 1]
        else:
            sigma = self.sigmas[self.step_index - 1]
            sigma_next = self.sigmas[self.step_index]
        sigma_input = sigma if first else sigma_next
        x0 = x - sigma_input * mo
        if first:
            d = (x - x0) / sigma
            dt = sigma_next - sigma
            self.prev_derivative = d
            self.dt = dt
            self.x_start = x
        else:
            d = (x - x0) / sigma_next
            d = (self.prev_derivative + d) / 2
            dt = self.dt
            x = self.x_start
            self.prev_derivative = None
            self.dt = None
            self.x_start = None
        out = x + d * dt
        self.step_index += 1
        return out


class LMS(Euler):
    def __init__(self, n):
        super().__init__(n)
        self.derivatives = []

    def coeff(self, order, t, cur):
        from scipy import integrate

        def lms_derivative(tau):
            prod = 1.0
            for k in range(order):
                if cur == k:
                    continue
                prod *= (tau - self.sigmas[t - k]) / (self.sigmas[t - cur] - self.sigmas[t - k])
            return prod

        return integrate.quad(lms_derivative, self.sigmas[t], self.sigmas[t + 1], epsrel=1e-4)[0]

    def step(self, mo, t, x, gen=None, order=4):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        sigma = self.sigmas[self.step_index]
        x0 = x - sigma * mo
        d = (x - x0) / sigma
        self.derivatives.append(d)
        if len(self.derivatives) > order:
            self.derivatives.pop(0)
        order = min(self.step_index + 1, order)
        coeffs = [self.coeff(order, self.step_index, o) for o in range(order)]
        out = x + sum(c * dd for c, dd in zip(coeffs, reversed(self.derivatives)))
        self.step_index += 1
        return out


class KDPM2(Euler):
    def __init__(self, n):
        ts = linspace_timesteps(n)
        log_sigmas = torch.from_numpy(np.log(np.array(SIGMA_TABLE)))
        s = torch.from_numpy(np.concatenate([interp_sigmas(ts), [0.0]]).astype(np.float32))
        interpol = s.log().lerp(s.roll(1).log(), 0.5).exp()
        self.sigmas = torch.cat([s[:1], s[1:].repeat_interleave(2), s[-1:]])
        self.sigmas_interpol = torch.cat([interpol[:1], interpol[1:].repeat_interleave(2), interpol[-1:]])
        t = torch.from_numpy(ts.astype(np.float32))
        ti = torch.from_numpy(np.array([self._sigma_to_t(float(v), log_sigmas) for v in interpol[1:-1]], dtype=np.float32))
        self.timesteps = torch.cat([t[:1], torch.stack((ti, t[1:]), dim=-1).flatten()])
        self.sample_ = None
        self.step_index = None

    @staticmethod
    def _sigma_to_t(sigma, log_sigmas):
        ls = np.log(max(sigma, 1e-10))
        ln = log_sigmas.numpy()
        dists = ls - ln
        low = int(np.clip(np.cumsum(dists >= 0).argmax(), None, len(ln) - 2))
        w = np.clip((ln[low] - ls) / (ln[low] - ln[low + 1]), 0, 1)
        return (1 - w) * low + w * (low + 1)

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        first = self.sample_ is None
        if first:
            sigma = self.sigmas[self.step_index]
            sigma_interpol = self.sigmas_interpol[self.step_index + 1]
            sigma_next = self.sigmas[self.step_index + 1]
        else:
            sigma = self.sigmas[self.step_index - 1]
            sigma_interpol = self.sigmas_interpol[self.step_index]
            sigma_next = self.sigmas[self.step_index]
        sigma_input = sigma if first else sigma_interpol
        x0 = x - sigma_input * mo
        if first:
            d = (x - x0) / sigma
            dt = sigma_interpol - sigma
            self.sample_ = x
        else:
            d = (x - x0) / sigma_interpol
            dt = sigma_next - sigma
            x = self.sample_
            self.sample_ = None
        out = x + d * dt
        self.step_index += 1
        return out


# ---------------------------------------------------------------------------------------------
# Exponential integrators (DPM-Solver multistep / singlestep, UniPC, DEIS)


def multistep_timesteps(n):
    return np.linspace(0, T - 1, n + 1).round()[::-1][:-1].copy().astype(np.int64)


def alpha_sigma(sigma):
    alpha_t = 1 / ((sigma**2 + 1) ** 0.5)
    return alpha_t, sigma * alpha_t


class DPMMultistep:
    def __init__(self, n, order=2, sde=False, final=0.0):
        ts = multistep_timesteps(n)
        s = np.interp(ts, np.arange(0, T), np.array(SIGMA_TABLE))
        self.sigmas = torch.from_numpy(np.concatenate([s, [final]]).astype(np.float32))
        self.timesteps = torch.from_numpy(ts)
        self.order = order
        self.sde = sde
        self.model_outputs = [None] * order
        self.lower_order_nums = 0
        self.step_index = None

    def convert(self, mo, x):
        alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index])
        return (x - sigma_t * mo) / alpha_t

    def first(self, m0, x, noise):
        alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index + 1])
        alpha_s, sigma_s = alpha_sigma(self.sigmas[self.step_index])
        lambda_t = torch.log(alpha_t) - torch.log(sigma_t)
        lambda_s = torch.log(alpha_s) - torch.log(sigma_s)
        h = lambda_t - lambda_s
        if self.sde:
            return (sigma_t / sigma_s * torch.exp(-h)) * x + (alpha_t * (1 - torch.exp(-2.0 * h))) * m0 + sigma_t * torch.sqrt(1.0 - torch.exp(-2 * h)) * noise
        return (sigma_t / sigma_s) * x - (alpha_t * (torch.exp(-h) - 1.0)) * m0

    def second(self, mol, x, noise):
        alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index + 1])
        alpha_s0, sigma_s0 = alpha_sigma(self.sigmas[self.step_index])
        alpha_s1, sigma_s1 = alpha_sigma(self.sigmas[self.step_index - 1])
        lambda_t = torch.log(alpha_t) - torch.log(sigma_t)
        lambda_s0 = torch.log(alpha_s0) - torch.log(sigma_s0)
        lambda_s1 = torch.log(alpha_s1) - torch.log(sigma_s1)
        m0, m1 = mol[-1], mol[-2]
        h, h_0 = lambda_t - lambda_s0, lambda_s0 - lambda_s1
        r0 = h_0 / h
        D0, D1 = m0, (1.0 / r0) * (m0 - m1)
        if self.sde:
            return (
                (sigma_t / sigma_s0 * torch.exp(-h)) * x
                + (alpha_t * (1 - torch.exp(-2.0 * h))) * D0
                + 0.5 * (alpha_t * (1 - torch.exp(-2.0 * h))) * D1
                + sigma_t * torch.sqrt(1.0 - torch.exp(-2 * h)) * noise
            )
        return (sigma_t / sigma_s0) * x - (alpha_t * (torch.exp(-h) - 1.0)) * D0 - 0.5 * (alpha_t * (torch.exp(-h) - 1.0)) * D1

    def third(self, mol, x):
        alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index + 1])
        alpha_s0, sigma_s0 = alpha_sigma(self.sigmas[self.step_index])
        alpha_s1, sigma_s1 = alpha_sigma(self.sigmas[self.step_index - 1])
        alpha_s2, sigma_s2 = alpha_sigma(self.sigmas[self.step_index - 2])
        lambda_t = torch.log(alpha_t) - torch.log(sigma_t)
        lambda_s0 = torch.log(alpha_s0) - torch.log(sigma_s0)
        lambda_s1 = torch.log(alpha_s1) - torch.log(sigma_s1)
        lambda_s2 = torch.log(alpha_s2) - torch.log(sigma_s2)
        m0, m1, m2 = mol[-1], mol[-2], mol[-3]
        h, h_0, h_1 = lambda_t - lambda_s0, lambda_s0 - lambda_s1, lambda_s1 - lambda_s2
        r0, r1 = h_0 / h, h_1 / h
        D0 = m0
        D1_0, D1_1 = (1.0 / r0) * (m0 - m1), (1.0 / r1) * (m1 - m2)
        D1 = D1_0 + (r0 / (r0 + r1)) * (D1_0 - D1_1)
        D2 = (1.0 / (r0 + r1)) * (D1_0 - D1_1)
        return (
            (sigma_t / sigma_s0) * x
            - (alpha_t * (torch.exp(-h) - 1.0)) * D0
            + (alpha_t * ((torch.exp(-h) - 1.0) / h + 1.0)) * D1
            - (alpha_t * ((torch.exp(-h) - 1.0 + h) / h**2 - 0.5)) * D2
        )

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        n = len(self.timesteps)
        lof = self.step_index == n - 1 and (n < 15 or True)
        los = self.step_index == n - 2 and n < 15
        mo = self.convert(mo, x)
        for i in range(self.order - 1):
            self.model_outputs[i] = self.model_outputs[i + 1]
        self.model_outputs[-1] = mo
        x = x.to(torch.float32)
        noise = torch.randn(mo.shape, generator=gen, dtype=torch.float32) if self.sde else None
        if self.order == 1 or self.lower_order_nums < 1 or lof:
            out = self.first(mo, x, noise)
        elif self.order == 2 or self.lower_order_nums < 2 or los:
            out = self.second(self.model_outputs, x, noise)
        else:
            out = self.third(self.model_outputs, x)
        if self.lower_order_nums < self.order:
            self.lower_order_nums += 1
        out = out.to(mo.dtype)
        self.step_index += 1
        return out


class DPMSinglestep(DPMMultistep):
    def __init__(self, n):
        super().__init__(n)
        self.orders = [1, 2] * (n // 2 - 1) + [1, 1] if n % 2 == 0 else [1, 2] * (n // 2) + [1]
        self.anchor = None

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        mo = self.convert(mo, x)
        for i in range(self.order - 1):
            self.model_outputs[i] = self.model_outputs[i + 1]
        self.model_outputs[-1] = mo
        order = self.orders[self.step_index]
        while self.model_outputs[-order] is None:
            order -= 1
        if order == 1:
            self.anchor = x
        if order == 1:
            out = self.first(self.model_outputs[-1], self.anchor, None)
        else:
            alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index + 1])
            alpha_s0, sigma_s0 = alpha_sigma(self.sigmas[self.step_index])
            alpha_s1, sigma_s1 = alpha_sigma(self.sigmas[self.step_index - 1])
            lambda_t = torch.log(alpha_t) - torch.log(sigma_t)
            lambda_s0 = torch.log(alpha_s0) - torch.log(sigma_s0)
            lambda_s1 = torch.log(alpha_s1) - torch.log(sigma_s1)
            m0, m1 = self.model_outputs[-1], self.model_outputs[-2]
            h, h_0 = lambda_t - lambda_s1, lambda_s0 - lambda_s1
            r0 = h_0 / h
            D0, D1 = m1, (1.0 / r0) * (m0 - m1)
            out = (sigma_t / sigma_s1) * self.anchor - (alpha_t * (torch.exp(-h) - 1.0)) * D0 - 0.5 * (alpha_t * (torch.exp(-h) - 1.0)) * D1
        self.step_index += 1
        return out


class UniPC(DPMMultistep):
    def __init__(self, n, order=2):
        super().__init__(n, order=order)
        self.timestep_list = [None] * order
        self.last_sample = None
        self.this_order = None

    def bh(self, order, x, m0, model_output_list, sigma_t_, sigma_s0_, hist_index, corrector=False, model_t=None):
        alpha_t, sigma_t = alpha_sigma(sigma_t_)
        alpha_s0, sigma_s0 = alpha_sigma(sigma_s0_)
        lambda_t = torch.log(alpha_t) - torch.log(sigma_t)
        lambda_s0 = torch.log(alpha_s0) - torch.log(sigma_s0)
        h = lambda_t - lambda_s0
        rks, D1s = [], []
        for i in range(1, order):
            si = hist_index(i)
            mi = model_output_list[-(i + 1)]
            alpha_si, sigma_si = alpha_sigma(self.sigmas[si])
            lambda_si = torch.log(alpha_si) - torch.log(sigma_si)
            rk = (lambda_si - lambda_s0) / h
            rks.append(rk)
            D1s.append((mi - m0) / rk)
        rks.append(1.0)
        rks = torch.tensor(rks)
        R, b = [], []
        hh = -h
        h_phi_1 = torch.expm1(hh)
        h_phi_k = h_phi_1 / hh - 1
        factorial_i = 1
        B_h = torch.expm1(hh)
        for i in range(1, order + 1):
            R.append(torch.pow(rks, i - 1))
            b.append(h_phi_k * factorial_i / B_h)
            factorial_i *= i + 1
            h_phi_k = h_phi_k / hh - 1 / factorial_i
        R = torch.stack(R)
        b = torch.tensor(b)
        D1s = torch.stack(D1s, dim=1) if len(D1s) > 0 else None
        x_t_ = sigma_t / sigma_s0 * x - alpha_t * h_phi_1 * m0
        if corrector:
            rhos_c = torch.tensor([0.5], dtype=x.dtype) if order == 1 else torch.linalg.solve(R, b).to(x.dtype)
            corr_res = torch.einsum("k,bkc...->bc...", rhos_c[:-1], D1s) if D1s is not None else 0
            D1_t = model_t - m0
            return x_t_ - alpha_t * B_h * (corr_res + rhos_c[-1] * D1_t)
        if D1s is not None:
            rhos_p = torch.tensor([0.5], dtype=x.dtype) if order == 2 else torch.linalg.solve(R[:-1, :-1], b[:-1]).to(x.dtype)
            pred_res = torch.einsum("k,bkc...->bc...", rhos_p, D1s)
        else:
            pred_res = 0
        return x_t_ - alpha_t * B_h * pred_res

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        use_corrector = self.step_index > 0 and self.last_sample is not None
        conv = self.convert(mo, x)
        if use_corrector:
            si = self.step_index
            x = self.bh(self.this_order, self.last_sample, self.model_outputs[-1], self.model_outputs, self.sigmas[si], self.sigmas[si - 1], lambda i: si - (i + 1), corrector=True, model_t=conv)
        for i in range(self.order - 1):
            self.model_outputs[i] = self.model_outputs[i + 1]
            self.timestep_list[i] = self.timestep_list[i + 1]
        self.model_outputs[-1] = conv
        self.timestep_list[-1] = t
        this_order = min(self.order, len(self.timesteps) - self.step_index)
        self.this_order = min(this_order, self.lower_order_nums + 1)
        self.last_sample = x
        si = self.step_index
        out = self.bh(self.this_order, x, self.model_outputs[-1], self.model_outputs, self.sigmas[si + 1], self.sigmas[si], lambda i: si - i)
        if self.lower_order_nums < self.order:
            self.lower_order_nums += 1
        self.step_index += 1
        return out


class DEIS(DPMMultistep):
    def __init__(self, n):
        super().__init__(n, final=float(SIGMA_TABLE[0]))

    def step(self, mo, t, x, gen=None):
        if self.step_index is None:
            self.step_index = index_for(self.timesteps, t)
        n = len(self.timesteps)
        lof = self.step_index == n - 1 and n < 15
        x0 = self.convert(mo, x)
        alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index])
        eps = (x - alpha_t * x0) / sigma_t
        for i in range(self.order - 1):
            self.model_outputs[i] = self.model_outputs[i + 1]
        self.model_outputs[-1] = eps
        if self.lower_order_nums < 1 or lof:
            alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index + 1])
            alpha_s, sigma_s = alpha_sigma(self.sigmas[self.step_index])
            h = (torch.log(alpha_t) - torch.log(sigma_t)) - (torch.log(alpha_s) - torch.log(sigma_s))
            out = (alpha_t / alpha_s) * x - (sigma_t * (torch.exp(h) - 1.0)) * eps
        else:
            alpha_t, sigma_t = alpha_sigma(self.sigmas[self.step_index + 1])
            alpha_s0, sigma_s0 = alpha_sigma(self.sigmas[self.step_index])
            alpha_s1, sigma_s1 = alpha_sigma(self.sigmas[self.step_index - 1])
            rho_t, rho_s0, rho_s1 = sigma_t / alpha_t, sigma_s0 / alpha_s0, sigma_s1 / alpha_s1

            def ind_fn(t, b, c):
                return t * (-np.log(c) + np.log(t) - 1) / (np.log(b) - np.log(c))

            coef1 = ind_fn(rho_t, rho_s0, rho_s1) - ind_fn(rho_s0, rho_s0, rho_s1)
            coef2 = ind_fn(rho_t, rho_s1, rho_s0) - ind_fn(rho_s0, rho_s1, rho_s0)
            out = alpha_t * (x / alpha_s0 + coef1 * self.model_outputs[-1] + coef2 * self.model_outputs[-2])
        if self.lower_order_nums < self.order:
            self.lower_order_nums += 1
        self.step_index += 1
        return out


FACTORIES = {
    "DDPMScheduler": lambda n: DDPM(n),
    "DDIMScheduler": lambda n: DDIM(n),
    "PNDMScheduler": lambda n: PNDM(n),
    "LCMScheduler": lambda n: LCM(n),
    "TCDScheduler": lambda n: LCM(n, tcd=True),
    "EulerDiscreteScheduler": lambda n: Euler(n),
    "EulerAncestralDiscreteScheduler": lambda n: EulerAncestral(n),
    "HeunDiscreteScheduler": lambda n: Heun(n),
    "LMSDiscreteScheduler": lambda n: LMS(n),
    "KDPM2DiscreteScheduler": lambda n: KDPM2(n),
    "DPMSolverMultistepScheduler": lambda n: DPMMultistep(n),
    "DPMSolverMultistepScheduler+sde": lambda n: DPMMultistep(n, sde=True),
    "DPMSolverMultistepScheduler+3m": lambda n: DPMMultistep(n, order=3),
    "DPMSolverSinglestepScheduler": lambda n: DPMSinglestep(n),
    "UniPCMultistepScheduler": lambda n: UniPC(n),
    "DEISMultistepScheduler": lambda n: DEIS(n),
}

# diffusers class + constructor kwargs for the same variants, when diffusers is installed.
DIFFUSERS = {
    "DDPMScheduler": ("DDPMScheduler", {}),
    "DDIMScheduler": ("DDIMScheduler", {"clip_sample": False, "set_alpha_to_one": False, "steps_offset": 1}),
    "PNDMScheduler": ("PNDMScheduler", {"skip_prk_steps": True, "steps_offset": 1}),
    "LCMScheduler": ("LCMScheduler", {}),
    "TCDScheduler": ("TCDScheduler", {}),
    "EulerDiscreteScheduler": ("EulerDiscreteScheduler", {}),
    "EulerAncestralDiscreteScheduler": ("EulerAncestralDiscreteScheduler", {}),
    "HeunDiscreteScheduler": ("HeunDiscreteScheduler", {}),
    "LMSDiscreteScheduler": ("LMSDiscreteScheduler", {}),
    "KDPM2DiscreteScheduler": ("KDPM2DiscreteScheduler", {}),
    "DPMSolverMultistepScheduler": ("DPMSolverMultistepScheduler", {}),
    "DPMSolverMultistepScheduler+sde": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++"}),
    "DPMSolverMultistepScheduler+3m": ("DPMSolverMultistepScheduler", {"solver_order": 3}),
    "DPMSolverSinglestepScheduler": ("DPMSolverSinglestepScheduler", {}),
    "UniPCMultistepScheduler": ("UniPCMultistepScheduler", {}),
    "DEISMultistepScheduler": ("DEISMultistepScheduler", {}),
}


def time_rollouts(make, repeats, steps):
    gen = torch.Generator().manual_seed(0)
    x_init = torch.randn(SHAPE, generator=gen)
    mo = 0.1 * torch.randn(SHAPE, generator=gen)
    times = []
    calls = 0
    for r in range(repeats + 2):
        s = make(steps)
        x = x_init.clone()
        timesteps = list(s.timesteps)
        t0 = time.perf_counter()
        for t in timesteps:
            if hasattr(s, "scale_model_input"):
                s.scale_model_input(x, t)
            out = s.step(mo, t, x, generator=gen) if hasattr(s, "config") else s.step(mo, t, x)
            x = out.prev_sample if hasattr(out, "prev_sample") else out
        dt = time.perf_counter() - t0
        calls = len(timesteps)
        if r >= 2:
            times.append(dt)
    return min(times) / calls * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    torch.set_num_threads(1)
    try:
        import diffusers  # noqa: F401

        impl = "diffusers " + diffusers.__version__
    except Exception:
        diffusers = None
        impl = "torch re-implementation of diffusers' step (diffusers not installed)"
    results = {}
    for name, factory in FACTORIES.items():
        if args.only and args.only not in name:
            continue
        if diffusers is not None:
            cls_name, kwargs = DIFFUSERS[name]
            cls = getattr(diffusers, cls_name)

            def make(n, cls=cls, kwargs=kwargs):
                s = cls(**SD, **kwargs)
                s.set_timesteps(n)
                return s

        else:

            def make(n, factory=factory):
                return factory(n)

        results[name] = time_rollouts(make, args.repeats, args.steps)
        print(f"{name}: {results[name]:.3f} ms/step", file=sys.stderr)
    json.dump({"impl": impl, "torch": torch.__version__, "threads": torch.get_num_threads(), "ms_per_step": results}, sys.stdout)


if __name__ == "__main__":
    main()
