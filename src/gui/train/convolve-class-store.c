/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-class-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "convolve-class-store.h"
#include "convolve-file.h"
#include "convolve-preprocess.h"

#define INDEX_NAME      "index.ini"
#define INDEX_GROUP     "Classes"
#define INDEX_VERSION   1
#define MAX_NAME_CHARS  40

typedef struct {
  char  *file;      /* base name inside the directory */
  float *gray;      /* (height, width), ink = 1 */
  int    width;
  int    height;
} Sample;

typedef struct {
  char      *name;
  GPtrArray *samples;   /* Sample */
} StoredClass;

struct _ConvolveClassStore
{
  GObject    parent_instance;

  /* owned */
  char      *directory;
  GPtrArray *classes;    /* StoredClass */
  GPtrArray *warnings;   /* char *, NULL-terminated */

  guint64    next_sample;
};

G_DEFINE_FINAL_TYPE (ConvolveClassStore, convolve_class_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (convolve-class-store-error-quark, convolve_class_store_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sample_free (gpointer data)
{
  Sample *sample = data;

  g_free (sample->file);
  g_free (sample->gray);
  g_free (sample);
}

static void
stored_class_free (gpointer data)
{
  StoredClass *klass = data;

  g_free (klass->name);
  g_ptr_array_unref (klass->samples);
  g_free (klass);
}

static StoredClass *
stored_class_new (const char *name)
{
  StoredClass *klass = g_new0 (StoredClass, 1);

  klass->name = g_strdup (name);
  klass->samples = g_ptr_array_new_with_free_func (sample_free);
  return klass;
}

static void
add_warning (ConvolveClassStore *self,
             char               *message /* transfer full */)
{
  g_debug ("%s", message);
  /* Keep the array NULL-terminated for get_warnings(). */
  g_ptr_array_remove_index (self->warnings, self->warnings->len - 1);
  g_ptr_array_add (self->warnings, message);
  g_ptr_array_add (self->warnings, NULL);
}

static char *
path_of (ConvolveClassStore *self,
         const char         *file)
{
  return g_build_filename (self->directory, file, NULL);
}

/* A sample's file name must stay inside the directory. */
static gboolean
is_plain_file_name (const char *file)
{
  return file != NULL && file[0] != '\0' && file[0] != '.' &&
         strchr (file, '/') == NULL && strchr (file, '\\') == NULL &&
         g_str_has_suffix (file, ".png");
}

static gboolean
write_file (ConvolveClassStore *self,
            const char         *file,
            const char         *contents,
            gsize               length,
            GError            **error)
{
  g_autofree char *path = path_of (self, file);
  g_autoptr(GFile) gfile = g_file_new_for_path (path);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder %s: %s"),
                   self->directory, g_strerror (saved));
      return FALSE;
    }
  /* Atomic: a temporary file renamed over the old one once complete. */
  return convolve_file_write_atomic (gfile, contents, length, error);
}

static gboolean
save_index (ConvolveClassStore *self,
            GError            **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_integer (key_file, INDEX_GROUP, "Version", INDEX_VERSION);
  g_key_file_set_integer (key_file, INDEX_GROUP, "Count", (int) self->classes->len);
  g_key_file_set_uint64 (key_file, INDEX_GROUP, "NextSample", self->next_sample);
  for (guint i = 0; i < self->classes->len; i++)
    {
      StoredClass *klass = g_ptr_array_index (self->classes, i);
      g_autofree char *group = g_strdup_printf ("Class %u", i);
      g_autofree const char **files = g_new0 (const char *, klass->samples->len + 1);

      for (guint j = 0; j < klass->samples->len; j++)
        files[j] = ((Sample *) g_ptr_array_index (klass->samples, j))->file;
      g_key_file_set_string (key_file, group, "Name", klass->name);
      g_key_file_set_string_list (key_file, group, "Samples", files, klass->samples->len);
    }
  data = g_key_file_to_data (key_file, &length, NULL);
  return write_file (self, INDEX_NAME, data, length, error);
}

/* Saves the index after a change; a failure becomes a warning too, so the
 * UI's toast reports it even when the caller ignores the error. */
static gboolean
commit (ConvolveClassStore *self,
        GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!save_index (self, &local_error))
    {
      add_warning (self, g_strdup_printf (_("The list of classes could not be saved: %s"),
                                          local_error->message));
      g_propagate_error (error, g_steal_pointer (&local_error));
      g_signal_emit (self, signals[CHANGED], 0);
      return FALSE;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/* Gray ink = 1 from a picture with ink dark on white (alpha composited on
 * white). */
static float *
gray_from_pixbuf (GdkPixbuf *pixbuf,
                  int       *width,
                  int       *height)
{
  int w = gdk_pixbuf_get_width (pixbuf);
  int h = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  float *gray = g_new (float, (gsize) w * h);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        double lum = (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) / 255.0;
        double a = alpha ? p[3] / 255.0 : 1.0;
        double on_white = a * lum + (1.0 - a);
        gray[y * w + x] = (float) (1.0 - on_white);
      }
  *width = w;
  *height = h;
  return gray;
}

static Sample *
load_sample (ConvolveClassStore *self,
             const char         *file,
             const char         *class_name)
{
  g_autofree char *path = path_of (self, file);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  Sample *sample;

  if (!is_plain_file_name (file))
    {
      add_warning (self, g_strdup_printf (_("A sample of “%s” has an unusable file name (“%s”) and was skipped."),
                                          class_name, file));
      return NULL;
    }
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  if (pixbuf == NULL)
    {
      add_warning (self, g_strdup_printf (_("A sample of “%s” (%s) could not be read and was skipped: %s"),
                                          class_name, file, error->message));
      return NULL;
    }
  if (gdk_pixbuf_get_width (pixbuf) > 4 * CONVOLVE_CLASS_STORE_MAX_SIZE ||
      gdk_pixbuf_get_height (pixbuf) > 4 * CONVOLVE_CLASS_STORE_MAX_SIZE ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_n_channels (pixbuf) < 3)
    {
      add_warning (self, g_strdup_printf (_("A sample of “%s” (%s) is not a drawing made here and was skipped."),
                                          class_name, file));
      return NULL;
    }

  sample = g_new0 (Sample, 1);
  sample->file = g_strdup (file);
  sample->gray = gray_from_pixbuf (pixbuf, &sample->width, &sample->height);
  return sample;
}

static void
clear_classes (ConvolveClassStore *self)
{
  g_ptr_array_set_size (self->classes, 0);
}

/* Moves a damaged index aside so that the next save does not destroy what
 * someone may still want to rescue. */
static void
set_aside_index (ConvolveClassStore *self)
{
  g_autofree char *path = path_of (self, INDEX_NAME);
  g_autofree char *aside = path_of (self, INDEX_NAME ".damaged");

  if (g_rename (path, aside) != 0)
    g_debug ("could not move %s aside: %s", path, g_strerror (errno));
}

guint
convolve_class_store_reload (ConvolveClassStore *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  guint before;
  int count;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), 0);

  before = self->warnings->len;
  clear_classes (self);
  self->next_sample = 1;
  path = path_of (self, INDEX_NAME);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    goto out;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    {
      /* GKeyFile quotes the damaged bytes, which need not be UTF-8. */
      g_autofree char *why = g_utf8_make_valid (error->message, -1);
      g_autofree char *where = g_filename_display_name (self->directory);
      add_warning (self, g_strdup_printf (_("The list of classes in %s is damaged and was set aside (%s); starting with no classes."),
                                          where, why));
      set_aside_index (self);
      goto out;
    }

  count = g_key_file_get_integer (key_file, INDEX_GROUP, "Count", &error);
  if (error != NULL || count < 0)
    {
      g_autofree char *where = g_filename_display_name (self->directory);
      add_warning (self, g_strdup_printf (_("The list of classes in %s does not say how many classes there are and was set aside; starting with no classes."),
                                          where));
      set_aside_index (self);
      goto out;
    }
  self->next_sample = MAX (g_key_file_get_uint64 (key_file, INDEX_GROUP, "NextSample", NULL), 1);

  /* A class is a group of its own, so a count beyond the groups the file
   * holds is a lie: never loop (or warn) past them. */
  {
    gsize n_groups = 0;
    g_strfreev (g_key_file_get_groups (key_file, &n_groups));
    if ((gsize) count > n_groups)
      count = (int) n_groups;
  }
  for (int i = 0; i < count && self->classes->len < CONVOLVE_CLASS_STORE_MAX_CLASSES; i++)
    {
      g_autofree char *group = g_strdup_printf ("Class %d", i);
      g_autofree char *name = g_key_file_get_string (key_file, group, "Name", NULL);
      g_auto(GStrv) files = NULL;
      StoredClass *klass;

      if (name == NULL || !g_utf8_validate (name, -1, NULL) || name[0] == '\0')
        {
          add_warning (self, g_strdup_printf (_("Class %d in the list has no name and was skipped."), i + 1));
          continue;
        }
      klass = stored_class_new (name);
      files = g_key_file_get_string_list (key_file, group, "Samples", NULL, NULL);
      for (guint j = 0; files != NULL && files[j] != NULL; j++)
        {
          Sample *sample = load_sample (self, files[j], name);
          if (sample != NULL)
            g_ptr_array_add (klass->samples, sample);
        }
      g_ptr_array_add (self->classes, klass);
    }
  if (count > CONVOLVE_CLASS_STORE_MAX_CLASSES)
    add_warning (self, g_strdup_printf (_("The list names %d classes; only the first %d were loaded."),
                                        count, CONVOLVE_CLASS_STORE_MAX_CLASSES));

out:
  g_signal_emit (self, signals[CHANGED], 0);
  return self->warnings->len - before;
}

static void
convolve_class_store_finalize (GObject *object)
{
  ConvolveClassStore *self = CONVOLVE_CLASS_STORE (object);

  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->classes, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (convolve_class_store_parent_class)->finalize (object);
}

static void
convolve_class_store_class_init (ConvolveClassStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = convolve_class_store_finalize;

  /**
   * ConvolveClassStore::changed:
   *
   * A class or a sample was added, renamed or deleted, or the store was
   * loaded again.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
convolve_class_store_init (ConvolveClassStore *self)
{
  self->classes = g_ptr_array_new_with_free_func (stored_class_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->next_sample = 1;
}

ConvolveClassStore *
convolve_class_store_new (const char *directory)
{
  ConvolveClassStore *self = g_object_new (CONVOLVE_TYPE_CLASS_STORE, NULL);

  if (directory != NULL)
    self->directory = g_strdup (directory);
  else
    self->directory = g_build_filename (g_get_user_data_dir (), "convolve", "classes", NULL);
  convolve_class_store_reload (self);
  return self;
}

const char *
convolve_class_store_get_directory (ConvolveClassStore *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);
  return self->directory;
}

const char *const *
convolve_class_store_get_warnings (ConvolveClassStore *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);
  return (const char *const *) self->warnings->pdata;
}

char **
convolve_class_store_take_warnings (ConvolveClassStore *self)
{
  char **warnings;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);

  warnings = g_strdupv ((char **) self->warnings->pdata);
  g_ptr_array_set_size (self->warnings, 0);
  g_ptr_array_add (self->warnings, NULL);
  return warnings;
}

static StoredClass *
get_class (ConvolveClassStore *self,
           guint               class_index,
           GError            **error)
{
  if (class_index >= self->classes->len)
    {
      g_set_error (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_INDEX,
                   _("There is no class number %u."), class_index + 1);
      return NULL;
    }
  return g_ptr_array_index (self->classes, class_index);
}

guint
convolve_class_store_get_n_classes (ConvolveClassStore *self)
{
  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), 0);
  return self->classes->len;
}

const char *
convolve_class_store_get_class_name (ConvolveClassStore *self,
                                     guint               class_index)
{
  StoredClass *klass;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);
  klass = get_class (self, class_index, NULL);
  return klass != NULL ? klass->name : NULL;
}

guint
convolve_class_store_get_n_samples (ConvolveClassStore *self,
                                    guint               class_index)
{
  StoredClass *klass;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), 0);
  klass = get_class (self, class_index, NULL);
  return klass != NULL ? klass->samples->len : 0;
}

static Sample *
get_sample (ConvolveClassStore *self,
            guint               class_index,
            guint               sample_index,
            GError            **error)
{
  StoredClass *klass = get_class (self, class_index, error);

  if (klass == NULL)
    return NULL;
  if (sample_index >= klass->samples->len)
    {
      g_set_error (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_INDEX,
                   _("“%s” has no sample number %u."), klass->name, sample_index + 1);
      return NULL;
    }
  return g_ptr_array_index (klass->samples, sample_index);
}

const float *
convolve_class_store_get_sample (ConvolveClassStore *self,
                                 guint               class_index,
                                 guint               sample_index,
                                 int                *width,
                                 int                *height)
{
  Sample *sample;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);
  sample = get_sample (self, class_index, sample_index, NULL);
  if (sample == NULL)
    return NULL;
  if (width != NULL)
    *width = sample->width;
  if (height != NULL)
    *height = sample->height;
  return sample->gray;
}

const char *
convolve_class_store_get_sample_file (ConvolveClassStore *self,
                                      guint               class_index,
                                      guint               sample_index)
{
  Sample *sample;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);
  sample = get_sample (self, class_index, sample_index, NULL);
  return sample != NULL ? sample->file : NULL;
}

/* A trimmed, valid, unique name, or NULL with an error. */
static char *
check_name (ConvolveClassStore *self,
            const char         *name,
            int                 except,
            GError            **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *folded = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_NAME,
                           _("A class needs a name."));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (name));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_NAME,
                           _("A class needs a name."));
      return NULL;
    }
  if (g_utf8_strlen (trimmed, -1) > MAX_NAME_CHARS)
    {
      g_set_error (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_NAME,
                   _("A class name can have at most %d characters."), MAX_NAME_CHARS);
      return NULL;
    }
  folded = g_utf8_casefold (trimmed, -1);
  for (guint i = 0; i < self->classes->len; i++)
    {
      StoredClass *klass = g_ptr_array_index (self->classes, i);
      g_autofree char *other = g_utf8_casefold (klass->name, -1);

      if ((int) i != except && strcmp (folded, other) == 0)
        {
          g_set_error (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_NAME,
                       _("There is already a class called “%s”."), klass->name);
          return NULL;
        }
    }
  return g_steal_pointer (&trimmed);
}

int
convolve_class_store_add_class (ConvolveClassStore *self,
                                const char         *name,
                                GError            **error)
{
  g_autofree char *checked = NULL;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), -1);

  if (self->classes->len >= CONVOLVE_CLASS_STORE_MAX_CLASSES)
    {
      g_set_error (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_TOO_MANY,
                   _("There can be at most %d classes; delete one first."),
                   CONVOLVE_CLASS_STORE_MAX_CLASSES);
      return -1;
    }
  checked = check_name (self, name, -1, error);
  if (checked == NULL)
    return -1;

  g_ptr_array_add (self->classes, stored_class_new (checked));
  if (!commit (self, error))
    {
      g_ptr_array_remove_index (self->classes, self->classes->len - 1);
      return -1;
    }
  return (int) self->classes->len - 1;
}

gboolean
convolve_class_store_rename_class (ConvolveClassStore *self,
                                   guint               class_index,
                                   const char         *name,
                                   GError            **error)
{
  g_autofree char *checked = NULL;
  StoredClass *klass;
  char *old;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), FALSE);

  klass = get_class (self, class_index, error);
  if (klass == NULL)
    return FALSE;
  checked = check_name (self, name, (int) class_index, error);
  if (checked == NULL)
    return FALSE;

  old = klass->name;
  klass->name = g_steal_pointer (&checked);
  if (!commit (self, error))
    {
      g_free (klass->name);
      klass->name = old;
      return FALSE;
    }
  g_free (old);
  return TRUE;
}

static void
remove_sample_files (ConvolveClassStore *self,
                     StoredClass        *klass)
{
  for (guint i = 0; i < klass->samples->len; i++)
    {
      Sample *sample = g_ptr_array_index (klass->samples, i);
      g_autofree char *path = path_of (self, sample->file);
      g_unlink (path);
    }
}

gboolean
convolve_class_store_delete_class (ConvolveClassStore *self,
                                   guint               class_index,
                                   GError            **error)
{
  StoredClass *klass;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), FALSE);

  klass = get_class (self, class_index, error);
  if (klass == NULL)
    return FALSE;

  klass = g_ptr_array_steal_index (self->classes, class_index);
  if (!commit (self, error))
    {
      g_ptr_array_insert (self->classes, (int) class_index, klass);
      return FALSE;
    }
  /* The index no longer names them: removing the files is tidying up. */
  remove_sample_files (self, klass);
  stored_class_free (klass);
  return TRUE;
}

/* The drawing as a pixbuf with ink dark on white, at most MAX_SIZE on a
 * side. */
static GdkPixbuf *
pixbuf_from_gray (const float *gray,
                  int          w,
                  int          h)
{
  g_autoptr(GdkPixbuf) full = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  int stride = gdk_pixbuf_get_rowstride (full);
  guint8 *pixels = gdk_pixbuf_get_pixels (full);
  double border = 0.0;
  int n_border = 0;
  gboolean dark_ink;

  /* The border decides the polarity, as in the preprocessing. */
  for (int x = 0; x < w; x++)
    {
      border += gray[x] + gray[(h - 1) * w + x];
      n_border += 2;
    }
  for (int y = 0; y < h; y++)
    {
      border += gray[y * w] + gray[y * w + w - 1];
      n_border += 2;
    }
  dark_ink = border / n_border > 0.5;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float v = CLAMP (gray[y * w + x], 0.0f, 1.0f);
        float ink = dark_ink ? 1.0f - v : v;
        guint8 byte = (guint8) (255.0f * (1.0f - ink) + 0.5f);
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;
        p[0] = p[1] = p[2] = byte;
      }

  if (w > CONVOLVE_CLASS_STORE_MAX_SIZE || h > CONVOLVE_CLASS_STORE_MAX_SIZE)
    {
      double f = (double) CONVOLVE_CLASS_STORE_MAX_SIZE / MAX (w, h);
      return gdk_pixbuf_scale_simple (full, MAX (1, (int) (w * f + 0.5)),
                                      MAX (1, (int) (h * f + 0.5)), GDK_INTERP_HYPER);
    }
  return g_steal_pointer (&full);
}

gboolean
convolve_class_store_add_sample (ConvolveClassStore *self,
                                 guint               class_index,
                                 const float        *gray,
                                 int                 w,
                                 int                 h,
                                 GError            **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *file = NULL;
  g_autofree float *probe = NULL;
  CvInputSpec spec = convolve_input_spec_digits ();
  StoredClass *klass;
  Sample *sample;
  gsize length;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), FALSE);
  g_return_val_if_fail (gray != NULL && w > 0 && h > 0, FALSE);

  klass = get_class (self, class_index, error);
  if (klass == NULL)
    return FALSE;

  probe = g_new (float, 28 * 28);
  if (!convolve_preprocess (gray, w, h, &spec, 28, probe))
    {
      g_set_error_literal (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_EMPTY,
                           _("Nothing is drawn yet: draw something first."));
      return FALSE;
    }

  pixbuf = pixbuf_from_gray (gray, w, h);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &length, "png", error, NULL))
    return FALSE;

  /* Never reuse a name: a file of a deleted sample may still exist. */
  do
    {
      g_autofree char *path = NULL;
      g_free (file);
      file = g_strdup_printf ("sample-%06" G_GUINT64_FORMAT ".png", self->next_sample++);
      path = path_of (self, file);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
    }
  while (TRUE);

  if (!write_file (self, file, buffer, length, error))
    return FALSE;

  sample = g_new0 (Sample, 1);
  sample->file = g_steal_pointer (&file);
  sample->gray = gray_from_pixbuf (pixbuf, &sample->width, &sample->height);
  g_ptr_array_add (klass->samples, sample);
  if (!commit (self, error))
    {
      g_autofree char *path = path_of (self, sample->file);
      g_unlink (path);
      g_ptr_array_remove_index (klass->samples, klass->samples->len - 1);
      return FALSE;
    }
  return TRUE;
}

gboolean
convolve_class_store_delete_sample (ConvolveClassStore *self,
                                    guint               class_index,
                                    guint               sample_index,
                                    GError            **error)
{
  StoredClass *klass;
  Sample *sample;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), FALSE);

  if (get_sample (self, class_index, sample_index, error) == NULL)
    return FALSE;
  klass = g_ptr_array_index (self->classes, class_index);
  sample = g_ptr_array_steal_index (klass->samples, sample_index);
  if (!commit (self, error))
    {
      g_ptr_array_insert (klass->samples, (int) sample_index, sample);
      return FALSE;
    }
  {
    g_autofree char *path = path_of (self, sample->file);
    g_unlink (path);
  }
  sample_free (sample);
  return TRUE;
}

ConvolveDataset *
convolve_class_store_to_dataset (ConvolveClassStore *self,
                                 GError            **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) inputs = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint8));
  CvInputSpec spec = convolve_input_spec_digits ();
  ConvolveDataset *ds;
  float input[28 * 28];
  guint with_samples = 0;

  g_return_val_if_fail (CONVOLVE_IS_CLASS_STORE (self), NULL);

  for (guint i = 0; i < self->classes->len; i++)
    {
      StoredClass *klass = g_ptr_array_index (self->classes, i);
      guint used = 0;

      g_ptr_array_add (names, klass->name);
      for (guint j = 0; j < klass->samples->len; j++)
        {
          Sample *sample = g_ptr_array_index (klass->samples, j);
          guint8 label = (guint8) i;

          if (!convolve_preprocess (sample->gray, sample->width, sample->height,
                                    &spec, 28, input))
            continue;
          g_array_append_vals (inputs, input, 28 * 28);
          g_array_append_val (labels, label);
          used++;
        }
      if (used > 0)
        with_samples++;
    }
  g_ptr_array_add (names, NULL);

  if (self->classes->len < CONVOLVE_CLASS_STORE_MIN_CLASSES || with_samples < self->classes->len)
    {
      g_set_error (error, CONVOLVE_CLASS_STORE_ERROR, CONVOLVE_CLASS_STORE_ERROR_EMPTY,
                   _("Training needs at least %d classes, each with at least one drawing."),
                   CONVOLVE_CLASS_STORE_MIN_CLASSES);
      return NULL;
    }

  ds = convolve_dataset_new ((int) labels->len, 28, 28, 1, (const char *const *) names->pdata);
  memcpy (ds->x, inputs->data, sizeof (float) * inputs->len);
  memcpy (ds->y, labels->data, labels->len);
  g_free (ds->name);
  ds->name = g_strdup ("my-classes");
  ds->input = spec;
  return ds;
}
