// SPDX-License-Identifier: Apache-2.0
#pragma once

// Foreground colours for states (active, expiring, expired, revoked) that read on the system
// palette, light or dark: the same hue, lighter when the palette's base is dark.

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace StateColors {

inline bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

inline QColor good()
{
    return darkPalette() ? QColor(0x6c, 0xd4, 0x8a) : QColor(0x1e, 0x7b, 0x34);
}

inline QColor warning()
{
    return darkPalette() ? QColor(0xf0, 0xb4, 0x50) : QColor(0x9a, 0x5b, 0x00);
}

inline QColor bad()
{
    return darkPalette() ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x1c, 0x28);
}

// Exchanges a fault rule touched (Traffic).
inline QColor fault()
{
    return darkPalette() ? QColor(0xc8, 0x9c, 0xff) : QColor(0x6a, 0x1b, 0x9a);
}

} // namespace StateColors
