/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Writes @len bytes to @file so that, whatever happens (a full disk, a
 * crash, SIGKILL), the path holds either its old contents or all of the
 * new ones — never a part, and never a stub where there was no file.
 *
 * A local file is written to a hidden temporary file in the same folder
 * (".NAME.XXXXXX"), synced, and renamed over the target; the temporary
 * file is removed on any error. The target's permissions are kept when it
 * exists. Other GFiles (remote locations) go through g_file_replace(),
 * abandoning the stream on error. The error names the file.
 */
gboolean convolve_file_write_atomic (GFile       *file,
                                     const void  *data,
                                     gsize        len,
                                     GError     **error);

G_END_DECLS
