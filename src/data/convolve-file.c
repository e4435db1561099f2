/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open(2) flags, fsync(2), fchown(2) and realpath(3) are POSIX/XSI, not C11. */
#define _XOPEN_SOURCE 700
#define G_LOG_DOMAIN "convolve-data"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "convolve-file.h"
#include "convolve-data-private.h"

static gboolean
fail_errno (GError    **error,
            const char *display,
            int         saved_errno)
{
  /* Translators: the first %s is a file name, the second the problem. */
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("%s: could not be written: %s"), display, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int         fd,
           const void *data,
           gsize       len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = ENOSPC;
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Remote files: a replace stream, thrown away (not renamed) on error. */
static gboolean
write_remote (GFile      *file,
              const void *data,
              gsize       len,
              GError    **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  gsize written = 0;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (out == NULL)
    return FALSE;
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), data, len, &written, NULL, error))
    {
      /* Closing normally would rename the partial temporary file over the
       * old one; closing with a cancelled cancellable throws it away. */
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

gboolean
convolve_file_write_atomic (GFile       *file,
                            const void  *data,
                            gsize        len,
                            GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  struct stat st;
  int fd, saved;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    return write_remote (file, data, len, error);
  /* A link stays a link: replace the file it points to. */
  {
    char *real = realpath (path, NULL);

    if (real != NULL)
      {
        g_free (path);
        path = g_strdup (real);
        free (real);
      }
  }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    return fail_errno (error, path, errno);

  /* Keep the owner and permissions of the file being replaced (mkstemp's
   * 0666 less the umask otherwise); a user may not be able to keep the
   * owner, which is fine. */
  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode))
    {
      (void) fchown (fd, st.st_uid, st.st_gid);
      (void) fchmod (fd, st.st_mode & 07777);
    }

  /* Some file systems cannot sync (EINVAL, ENOTSUP): nothing to wait for. */
  if (!write_all (fd, data, len)
      || (fsync (fd) != 0 && errno != EINVAL && errno != ENOTSUP))
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      return fail_errno (error, path, saved);
    }
  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return fail_errno (error, path, saved);
    }
  if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return fail_errno (error, path, saved);
    }

  /* The rename itself reaches the disk with the folder. */
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
  return TRUE;
}
