// Copyright (c) mlox.stack contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

package main

import (
	"fmt"
	"log/slog"
)

// slogAdapter gives promhttp's error log (a Println interface) to slog.
type slogAdapter struct{ logger *slog.Logger }

func (a slogAdapter) Println(v ...interface{}) { a.logger.Error(fmt.Sprint(v...)) }
