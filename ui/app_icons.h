#pragma once
// The app's icons, drawn as vector paths (no image files, no SVG plugin needed), so they are
// sharp at any size and device pixel ratio and follow the palette's text colour.
#include <QIcon>

namespace digit::ui {

enum class AppIcon { App, Train, Draw, Errors, Data, Quiz, Inside };

QIcon appIcon(AppIcon which);

}  // namespace digit::ui
