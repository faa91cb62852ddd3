// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sample data's random numbers: SplitMix64 with its own range reduction, so that one seed gives
// the same numbers with every compiler, standard library and platform (std::uniform_int_distribution
// and friends are implementation-defined, and QRandomGenerator::system() is not seeded at all).
// Only integer arithmetic and IEEE-exact double operations are used; no exp, log or trigonometry.

#include <QString>
#include <QtGlobal>

class SampleRandom final
{
public:
    explicit SampleRandom(quint64 seed) : m_state(seed) { }

    // An independent stream for one part of the data (a patient's history, say), so that adding
    // another part does not shift the numbers of this one.
    SampleRandom fork(const QString &name) const
    {
        quint64 hash = 0xcbf29ce484222325ULL; // FNV-1a over the UTF-16 code units
        for (const QChar character : name) {
            hash ^= character.unicode();
            hash *= 0x100000001b3ULL;
        }
        SampleRandom mixer(m_state ^ hash);
        return SampleRandom(mixer.next());
    }

    quint64 next()
    {
        m_state += 0x9e3779b97f4a7c15ULL;
        quint64 z = m_state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // A whole number from `low` to `high`, both included (Lemire's multiply-shift on 32 bits; the
    // bias of at most range/2^32 does not matter here).
    int between(int low, int high)
    {
        Q_ASSERT(low <= high);
        const quint64 range = quint64(qint64(high) - qint64(low) + 1);
        const quint64 scaled = (next() >> 32) * range;
        return int(qint64(low) + qint64(scaled >> 32));
    }

    // In [0, 1), 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

    // In [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform(); }

    // Roughly normal (the mean of four uniforms, scaled to this standard deviation), clamped to
    // three deviations: plausible values without a long tail.
    double normal(double mean, double deviation)
    {
        const double sum = uniform() + uniform() + uniform() + uniform();
        // Four uniforms have mean 2 and standard deviation sqrt(1/3).
        double z = (sum - 2.0) * 1.7320508075688772;
        z = qBound(-3.0, z, 3.0);
        return mean + z * deviation;
    }

    bool chance(double probability) { return uniform() < probability; }

    template<typename Container>
    const auto &pick(const Container &items)
    {
        Q_ASSERT(!items.empty());
        return items[std::size_t(between(0, int(items.size()) - 1))];
    }

private:
    quint64 m_state;
};
