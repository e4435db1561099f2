/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-train-page"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "convolve-chart.h"
#include "convolve-confusion.h"
#include "convolve-image-grid.h"
#include "convolve-train-page.h"
#include "convolve-train-style.h"

#define FASHION_TRAIN_IMAGES "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
/* Fashion-MNIST has 60,000 training pictures: a lesson uses the first
 * 10,000, so an epoch takes seconds, not minutes. */
#define FASHION_TRAIN_SAMPLES 10000
#define PREVIEW_SAMPLES       24
#define MAX_CELL_PICTURES     60
/* The kernels are redrawn at most this often while a run goes. */
#define KERNEL_INTERVAL_US    (100 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  const char *spec_name;   /* architecture */
  int         epochs;
  int         batch;
  double      rate;
  gboolean    augment;
} DatasetDefaults;

static const DatasetDefaults dataset_defaults[] = {
  [CONVOLVE_TRAIN_DATASET_SHAPES]     = { "shapes",       20,  8, 0.005, FALSE },
  [CONVOLVE_TRAIN_DATASET_DIGITS]     = { "digits-small", 10, 32, 0.003, FALSE },
  [CONVOLVE_TRAIN_DATASET_FASHION]    = { "digits-small",  8, 32, 0.003, FALSE },
  [CONVOLVE_TRAIN_DATASET_MY_CLASSES] = { "digits-small", 30,  8, 0.003, TRUE },
};

struct _ConvolveTrainPage
{
  GtkWidget             parent_instance;

  /* children */
  GtkWidget            *toasts;            /* AdwToastOverlay */
  GtkWidget            *dataset_checks[4];
  GtkWidget            *dataset_rows[4];
  GtkWidget            *dataset_summary;
  GtkWidget            *preview_grid;
  GtkWidget            *arch_grid;         /* GtkGrid */
  GtkWidget            *epochs_spin;
  GtkWidget            *batch_spin;
  GtkWidget            *rate_spin;
  GtkWidget            *optimizer_row;     /* AdwComboRow */
  GtkWidget            *augment_switch;
  GtkWidget            *patience_spin;
  GtkWidget            *settings_group;
  GtkWidget            *pause_content;     /* AdwButtonContent of Pause */
  GtkWidget            *status_label;
  GtkWidget            *progress_label;
  GtkWidget            *progress_bar;
  GtkWidget            *problem_box;
  GtkWidget            *problem_label;
  GtkWidget            *problem_button;
  GtkWidget            *loss_chart;
  GtkWidget            *accuracy_chart;
  GtkWidget            *kernel_grid;
  GtkWidget            *log_view;
  GtkWidget            *results_box;
  GtkWidget            *results_title;
  GtkWidget            *confusion;
  GtkWidget            *per_class_label;
  GtkWidget            *cell_title;
  GtkWidget            *cell_grid;

  /* owned */
  ConvolveTrainer      *trainer;
  ConvolveClassStore   *class_store;
  CvNet                *arch_net;          /* the spec's layers, for the table and kernels */
  GPtrArray            *log_lines;         /* char *, NULL-terminated */
  GArray               *history;           /* HistoryRow, one per finished epoch */
  int                  *confusion_counts;  /* (n, n) of the last run */
  int                  *predictions;       /* one per evaluated sample */
  ConvolveDataset      *evaluated;         /* a copy of the set the matrix counts */
  char                 *spec;

  ConvolveTrainDataset  dataset;
  int                   n_classes;
  int                   loss_series;
  int                   train_series;
  int                   val_series;
  int                   epochs_done;
  double                epoch_loss_sum;
  int                   epoch_batches;
  gint64                last_kernel_update;
  guint                 load_generation;
  guint                 results_generation;
  gboolean              loading;             /* a dataset is being read */
  gboolean              step_after_start;
};

G_DEFINE_FINAL_TYPE (ConvolveTrainPage, convolve_train_page, GTK_TYPE_WIDGET)

/* A dataset's class name as shown: the shipped datasets' names are
 * translated; names a class gave its own drawings stay as typed. */
static const char *
shown_class_in (ConvolveTrainDataset dataset,
                const char          *name)
{
  if (dataset == CONVOLVE_TRAIN_DATASET_MY_CLASSES)
    return name;
  return g_dpgettext2 (GETTEXT_PACKAGE, "class name", name);
}

#define shown_class(name) shown_class_in (self->dataset, (name))

/* What the trainer reported at the end of an epoch, for the CSV export. */
typedef struct {
  int    epoch;
  double loss;
  double accuracy;
  double val_accuracy;   /* < 0: no validation set */
  double seconds;
} HistoryRow;

enum {
  USE_MODEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_actions (ConvolveTrainPage *self);
static void clear_results  (ConvolveTrainPage *self);

/* ------------------------------------------------------------- helpers */

/* 9571 → "9,571". */
static char *
format_count (gsize n)
{
  /* Translators: the thousands separator in counts such as 9,571 */
  const char *separator = C_("thousands separator", ",");
  char digits[32];
  GString *out = g_string_new (NULL);
  int len;

  g_snprintf (digits, sizeof digits, "%" G_GSIZE_FORMAT, n);
  len = (int) strlen (digits);
  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, separator);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static const char *
state_text (ConvolveTrainerState state)
{
  switch (state)
    {
    case CONVOLVE_TRAINER_STATE_IDLE:      return _("Ready");
    case CONVOLVE_TRAINER_STATE_RUNNING:   return _("Training");
    case CONVOLVE_TRAINER_STATE_PAUSED:    return _("Paused");
    case CONVOLVE_TRAINER_STATE_FINISHED:  return _("Finished");
    case CONVOLVE_TRAINER_STATE_CANCELLED: return _("Stopped");
    case CONVOLVE_TRAINER_STATE_FAILED:    return _("Failed");
    default:                               return "";
    }
}

static gboolean
is_active (ConvolveTrainPage *self)
{
  ConvolveTrainerState state = convolve_trainer_get_state (self->trainer);

  return state == CONVOLVE_TRAINER_STATE_RUNNING || state == CONVOLVE_TRAINER_STATE_PAUSED;
}

static void
toast (ConvolveTrainPage *self,
       const char        *message)
{
  /* Toast titles are markup; file names may hold & or <. */
  g_autofree char *markup = g_markup_escape_text (message, -1);
  AdwToast *t = adw_toast_new (markup);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), t);
}

static void
set_status_text (ConvolveTrainPage *self,
                 const char        *text)
{
  gtk_label_set_text (GTK_LABEL (self->status_label), text);
  /* A label names itself after its text; keep the name tests look for. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Training status"),
                                  -1);
}

static void
show_problem (ConvolveTrainPage *self,
              const char        *message,
              gboolean           offer_fix)
{
  gtk_label_set_text (GTK_LABEL (self->problem_label), message);
  gtk_widget_set_visible (self->problem_button, offer_fix);
  gtk_widget_set_visible (self->problem_box, message != NULL);
}

static void
hide_problem (ConvolveTrainPage *self)
{
  gtk_widget_set_visible (self->problem_box, FALSE);
}

/* ------------------------------------------------------ architecture */

static char *
spec_for (ConvolveTrainPage   *self,
          ConvolveTrainDataset dataset,
          int                  n_classes)
{
  const char *spec = cv_arch_spec (dataset_defaults[dataset].spec_name);

  /* My classes: the digits network with one output per class. */
  if (dataset == CONVOLVE_TRAIN_DATASET_MY_CLASSES && g_str_has_suffix (spec, " dense10 softmax"))
    {
      g_autofree char *head = g_strndup (spec, strlen (spec) - strlen (" dense10 softmax"));
      return g_strdup_printf ("%s dense%d softmax", head, n_classes);
    }
  return g_strdup (spec);
}

static char *
layer_title (const CvLayerInfo *layer,
             const CvLayerInfo *next)
{
  g_autofree char *base = NULL;

  switch (layer->kind)
    {
    case CV_LAYER_CONV2D:
      /* Translators: a table row, e.g. "Conv2D · 8 kernels 3×3" */
      base = g_strdup_printf (_("Conv2D · %d kernels %d×%d"), layer->filters, layer->size, layer->size);
      break;
    case CV_LAYER_MAXPOOL:
      base = g_strdup_printf (_("MaxPool2D · %d×%d"), layer->size, layer->size);
      break;
    case CV_LAYER_AVGPOOL:
      base = g_strdup_printf (_("AvgPool2D · %d×%d"), layer->size, layer->size);
      break;
    case CV_LAYER_FLATTEN:
      base = g_strdup (_("Flatten"));
      break;
    case CV_LAYER_DENSE:
      /* Translators: a table row, e.g. "Dense · 32 units" */
      base = g_strdup_printf (_("Dense · %d units"), layer->size);
      break;
    default:
      base = g_strdup (cv_layer_kind_name (layer->kind));
      break;
    }
  /* The activation that follows belongs to the same row, as in the
   * curriculum's table. */
  if (next != NULL && next->kind == CV_LAYER_RELU)
    return g_strdup_printf ("%s · ReLU", base);
  if (next != NULL && next->kind == CV_LAYER_SOFTMAX)
    return g_strdup_printf ("%s · Softmax", base);
  return g_steal_pointer (&base);
}

static GtkWidget *
table_label (const char *text,
             gboolean    numeric,
             gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0f : 0.0f);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
fill_architecture (ConvolveTrainPage *self)
{
  GtkGrid *grid = GTK_GRID (self->arch_grid);
  GtkWidget *child;
  g_autofree char *total = NULL;
  int row = 1;

  while ((child = gtk_widget_get_first_child (self->arch_grid)) != NULL)
    gtk_grid_remove (grid, child);

  gtk_grid_attach (grid, table_label (_("Layer"), FALSE, TRUE), 0, 0, 1, 1);
  gtk_grid_attach (grid, table_label (_("Output shape"), FALSE, TRUE), 1, 0, 1, 1);
  gtk_grid_attach (grid, table_label (_("Parameters"), TRUE, TRUE), 2, 0, 1, 1);

  if (self->arch_net == NULL)
    return;

  for (int i = 0; i < cv_net_n_layers (self->arch_net); i++)
    {
      const CvLayerInfo *layer = cv_net_layer (self->arch_net, i);
      const CvLayerInfo *next = i + 1 < cv_net_n_layers (self->arch_net) ? cv_net_layer (self->arch_net, i + 1) : NULL;
      g_autofree char *title = NULL;
      g_autofree char *shape = NULL;
      g_autofree char *params = NULL;

      if (layer->kind == CV_LAYER_RELU || layer->kind == CV_LAYER_SOFTMAX)
        continue;
      title = layer_title (layer, next);
      if (layer->out.h == 1 && layer->out.w == 1)
        shape = g_strdup_printf ("%d", layer->out.c);
      else
        shape = g_strdup_printf ("%d × %d × %d", layer->out.h, layer->out.w, layer->out.c);
      params = format_count (layer->n_params);
      {
        GtkWidget *name = table_label (title, FALSE, FALSE);
        /* Long layer names wrap rather than widen the column. */
        gtk_label_set_wrap (GTK_LABEL (name), TRUE);
        gtk_label_set_width_chars (GTK_LABEL (name), 10);
        gtk_label_set_max_width_chars (GTK_LABEL (name), 30);
        gtk_widget_set_hexpand (name, TRUE);
        gtk_grid_attach (grid, name, 0, row, 1, 1);
      }
      gtk_grid_attach (grid, table_label (shape, FALSE, FALSE), 1, row, 1, 1);
      gtk_grid_attach (grid, table_label (params, TRUE, FALSE), 2, row, 1, 1);
      row++;
    }
  total = format_count (cv_net_n_params (self->arch_net));
  gtk_grid_attach (grid, table_label (_("Total"), FALSE, TRUE), 0, row, 2, 1);
  gtk_grid_attach (grid, table_label (total, TRUE, TRUE), 2, row, 1, 1);
}

static const CvLayerInfo *
first_conv (ConvolveTrainPage *self)
{
  if (self->arch_net == NULL)
    return NULL;
  for (int i = 0; i < cv_net_n_layers (self->arch_net); i++)
    if (cv_net_layer (self->arch_net, i)->kind == CV_LAYER_CONV2D)
      return cv_net_layer (self->arch_net, i);
  return NULL;
}

/* Shows kernel f of the first layer's input channel 0 from a parameter
 * arena laid out as the spec says ([k, k, c_in, c_out]). */
static void
show_kernels (ConvolveTrainPage *self,
              const float       *params)
{
  const CvLayerInfo *conv = first_conv (self);
  ConvolveImageGrid *grid = CONVOLVE_IMAGE_GRID (self->kernel_grid);
  int k, c_in, c_out;
  g_autofree float *kernel = NULL;

  if (conv == NULL)
    return;
  k = conv->size;
  c_in = conv->in.c;
  c_out = conv->filters;
  kernel = g_new0 (float, k * k);

  if (convolve_image_grid_get_n_items (grid) != (guint) c_out)
    {
      convolve_image_grid_clear (grid);
      for (int f = 0; f < c_out; f++)
        convolve_image_grid_add (grid, kernel, k, k, NULL);
    }
  if (params == NULL)
    return;
  for (int f = 0; f < c_out; f++)
    {
      for (int m = 0; m < k * k; m++)
        kernel[m] = params[conv->param_offset + ((gsize) m * c_in) * c_out + f];
      convolve_image_grid_update (grid, f, kernel);
    }
}

static void
update_kernels (ConvolveTrainPage *self,
                gboolean           force)
{
  g_autofree float *params = NULL;
  gsize n = 0;
  gint64 now = g_get_monotonic_time ();

  if (!force && now - self->last_kernel_update < KERNEL_INTERVAL_US)
    return;
  self->last_kernel_update = now;
  params = convolve_trainer_dup_snapshot (self->trainer, &n, NULL, NULL);
  if (params != NULL && self->arch_net != NULL && n == cv_net_n_params (self->arch_net))
    show_kernels (self, params);
}

/* ------------------------------------------------------------ datasets */

static void
fill_preview (ConvolveTrainPage     *self,
              const ConvolveDataset *ds)
{
  ConvolveImageGrid *grid = CONVOLVE_IMAGE_GRID (self->preview_grid);
  int per_class, shown = 0;
  gsize sample;

  convolve_image_grid_clear (grid);
  if (ds == NULL || ds->n == 0)
    return;

  /* The same number of pictures of every class, in class order. */
  sample = (gsize) ds->h * ds->w * ds->c;
  per_class = MAX (1, PREVIEW_SAMPLES / MAX (ds->n_classes, 1));
  for (int k = 0; k < ds->n_classes; k++)
    {
      int found = 0;
      for (int i = 0; i < ds->n && found < per_class && shown < PREVIEW_SAMPLES; i++)
        if (ds->y[i] == k)
          {
            g_autofree float *gray = g_new (float, (gsize) ds->h * ds->w);
            for (int p = 0; p < ds->h * ds->w; p++)
              gray[p] = ds->x[i * sample + (gsize) p * ds->c];
            convolve_image_grid_add (grid, gray, ds->w, ds->h, shown_class (ds->class_names[k]));
            found++;
            shown++;
          }
    }
}

static gboolean
fashion_installed (void)
{
  return g_file_test (FASHION_TRAIN_IMAGES, G_FILE_TEST_EXISTS);
}

static gboolean
my_classes_ready (ConvolveTrainPage *self)
{
  if (self->class_store == NULL)
    return FALSE;
  if (convolve_class_store_get_n_classes (self->class_store) < CONVOLVE_CLASS_STORE_MIN_CLASSES)
    return FALSE;
  for (guint i = 0; i < convolve_class_store_get_n_classes (self->class_store); i++)
    if (convolve_class_store_get_n_samples (self->class_store, i) == 0)
      return FALSE;
  return TRUE;
}

static void
update_dataset_rows (ConvolveTrainPage *self)
{
  gboolean active = is_active (self);
  gboolean fashion = fashion_installed ();
  gboolean mine = my_classes_ready (self);
  g_autofree char *mine_text = NULL;

  gtk_widget_set_sensitive (self->dataset_rows[CONVOLVE_TRAIN_DATASET_SHAPES], !active);
  gtk_widget_set_sensitive (self->dataset_rows[CONVOLVE_TRAIN_DATASET_DIGITS], !active);
  gtk_widget_set_sensitive (self->dataset_rows[CONVOLVE_TRAIN_DATASET_FASHION], !active && fashion);
  gtk_widget_set_sensitive (self->dataset_rows[CONVOLVE_TRAIN_DATASET_MY_CLASSES], !active && mine);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->dataset_rows[CONVOLVE_TRAIN_DATASET_FASHION]),
                               fashion ? _("Clothes and shoes, 10 classes, 28×28")
                                       : _("Install the dataset-fashion-mnist package"));
  if (self->class_store == NULL)
    mine_text = g_strdup (_("Drawings you add with “Add to class…”"));
  else if (!mine)
    mine_text = g_strdup_printf (_("Draw at least one picture in each of %d or more classes with “Add to class…”"),
                                 CONVOLVE_CLASS_STORE_MIN_CLASSES);
  else
    {
      guint total = 0;
      for (guint i = 0; i < convolve_class_store_get_n_classes (self->class_store); i++)
        total += convolve_class_store_get_n_samples (self->class_store, i);
      /* Translators: e.g. "3 classes, 24 drawings" */
      mine_text = g_strdup_printf (_("%u classes, %u drawings"),
                                   convolve_class_store_get_n_classes (self->class_store), total);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->dataset_rows[CONVOLVE_TRAIN_DATASET_MY_CLASSES]),
                               mine_text);
}

static void
reset_charts (ConvolveTrainPage *self,
              int                epochs)
{
  ConvolveChartData *loss = convolve_chart_get_data (CONVOLVE_CHART (self->loss_chart));
  ConvolveChartData *acc = convolve_chart_get_data (CONVOLVE_CHART (self->accuracy_chart));

  convolve_chart_data_clear (loss);
  convolve_chart_data_clear (acc);
  convolve_chart_data_set_x_max (loss, epochs);
  convolve_chart_data_set_x_max (acc, epochs);
  convolve_chart_changed (CONVOLVE_CHART (self->loss_chart));
  convolve_chart_changed (CONVOLVE_CHART (self->accuracy_chart));
}

/* Reads a built-in dataset and its test set; no GTK, no page: Fashion is
 * read on a worker thread (60,000 pictures take about a second). */
static gboolean
read_builtin (ConvolveTrainDataset dataset,
              ConvolveDataset    **train_out,
              ConvolveDataset    **test_out,
              GError             **error)
{
  static const char *const names[] = {
    [CONVOLVE_TRAIN_DATASET_SHAPES] = "shapes",
    [CONVOLVE_TRAIN_DATASET_DIGITS] = "digits",
    [CONVOLVE_TRAIN_DATASET_FASHION] = "fashion",
  };
  g_autoptr(ConvolveDataset) train = NULL;
  g_autoptr(ConvolveDataset) test = NULL;

  g_assert (dataset <= CONVOLVE_TRAIN_DATASET_FASHION);

  train = convolve_dataset_load (names[dataset], "train", error);
  if (train == NULL)
    return FALSE;
  if (dataset == CONVOLVE_TRAIN_DATASET_FASHION && train->n > FASHION_TRAIN_SAMPLES)
    {
      ConvolveDataset *part = convolve_dataset_slice (train, 0, FASHION_TRAIN_SAMPLES);
      convolve_dataset_free (train);
      train = part;
    }
  test = convolve_dataset_load (names[dataset], "test", error);
  if (test == NULL)
    return FALSE;
  *train_out = g_steal_pointer (&train);
  *test_out = g_steal_pointer (&test);
  return TRUE;
}

/* Shows the pictures and hands them to the trainer (which takes them). */
static void
show_datasets (ConvolveTrainPage *self,
               ConvolveDataset   *train,
               ConvolveDataset   *test)
{
  g_autofree char *n_train = format_count ((gsize) train->n);
  g_autofree char *n_test = test != NULL ? format_count ((gsize) test->n) : NULL;
  g_autofree char *summary = NULL;

  self->n_classes = train->n_classes;
  fill_preview (self, train);
  if (n_test != NULL)
    /* Translators: e.g. "180 pictures to learn from · 300 to test on · 3 classes" */
    summary = g_strdup_printf (_("%s pictures to learn from · %s to test on · %d classes"),
                               n_train, n_test, train->n_classes);
  else
    summary = g_strdup_printf (_("%s pictures to learn from · %d classes"), n_train, train->n_classes);
  gtk_label_set_text (GTK_LABEL (self->dataset_summary), summary);

  convolve_trainer_set_dataset (self->trainer, train);
  convolve_trainer_set_validation (self->trainer, test);
}

/* Everything that follows the data: the network, the kernels, the
 * defaults, fresh charts. */
static void
finish_select (ConvolveTrainPage   *self,
               ConvolveTrainDataset dataset,
               gboolean             with_defaults)
{
  const DatasetDefaults *defaults = &dataset_defaults[dataset];
  CvError cv_error = { 0 };

  g_clear_pointer (&self->spec, g_free);
  self->spec = spec_for (self, dataset, self->n_classes);
  g_clear_pointer (&self->arch_net, cv_net_free);
  if (cv_net_new (self->spec, &self->arch_net, &cv_error) != CV_OK)
    g_warning ("%s: %s", self->spec, cv_error.message);
  convolve_trainer_set_spec (self->trainer, self->spec);
  fill_architecture (self);
  convolve_image_grid_clear (CONVOLVE_IMAGE_GRID (self->kernel_grid));
  if (self->arch_net != NULL)
    {
      /* The kernels as initialised from the seed, before any learning. */
      CvRng rng;
      cv_rng_seed (&rng, convolve_trainer_get_seed (self->trainer));
      cv_net_init (self->arch_net, &rng);
      show_kernels (self, cv_net_params_const (self->arch_net));
    }

  if (with_defaults)
    {
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->epochs_spin), defaults->epochs);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->batch_spin), defaults->batch);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rate_spin), defaults->rate);
      gtk_switch_set_active (GTK_SWITCH (self->augment_switch), defaults->augment);
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->optimizer_row), 0);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->patience_spin), 0);
    }
  clear_results (self);
  reset_charts (self, gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->epochs_spin)));
  update_actions (self);
}

typedef struct {
  ConvolveTrainDataset dataset;
  guint                generation;
  gboolean             with_defaults;
  ConvolveDataset     *train;
  ConvolveDataset     *test;
} LoadJob;

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_clear_pointer (&job->train, convolve_dataset_free);
  g_clear_pointer (&job->test, convolve_dataset_free);
  g_free (job);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;

  if (read_builtin (job->dataset, &job->train, &job->test, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean select_dataset (ConvolveTrainPage   *self,
                                ConvolveTrainDataset dataset,
                                gboolean             with_defaults);

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (source);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* Disposed meanwhile, or another dataset chosen since. */
  if (self->trainer == NULL || job->generation != self->load_generation)
    return;
  self->loading = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, error->message);
      select_dataset (self, CONVOLVE_TRAIN_DATASET_SHAPES, TRUE);
      return;
    }
  show_datasets (self, g_steal_pointer (&job->train), g_steal_pointer (&job->test));
  finish_select (self, job->dataset, job->with_defaults);
}

static gboolean
select_dataset (ConvolveTrainPage   *self,
                ConvolveTrainDataset dataset,
                gboolean             with_defaults)
{
  g_autoptr(GError) error = NULL;
  ConvolveDataset *train = NULL;
  ConvolveDataset *test = NULL;

  if (is_active (self))
    return FALSE;
  if (dataset == CONVOLVE_TRAIN_DATASET_FASHION && !fashion_installed ())
    return FALSE;
  if (dataset == CONVOLVE_TRAIN_DATASET_MY_CLASSES && !my_classes_ready (self))
    return FALSE;

  self->load_generation++;
  if (dataset == CONVOLVE_TRAIN_DATASET_FASHION)
    {
      /* Read on a worker; Start waits until the pictures are in. */
      g_autoptr(GTask) task = g_task_new (self, NULL, loaded_cb, NULL);
      LoadJob *job = g_new0 (LoadJob, 1);

      job->dataset = dataset;
      job->generation = self->load_generation;
      job->with_defaults = with_defaults;
      g_task_set_task_data (task, job, load_job_free);
      self->loading = TRUE;
      self->dataset = dataset;
      if (!gtk_check_button_get_active (GTK_CHECK_BUTTON (self->dataset_checks[dataset])))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (self->dataset_checks[dataset]), TRUE);
      gtk_label_set_text (GTK_LABEL (self->dataset_summary), _("Reading the pictures…"));
      update_actions (self);
      g_task_run_in_thread (task, load_thread);
      return TRUE;
    }

  if (dataset == CONVOLVE_TRAIN_DATASET_MY_CLASSES)
    {
      const char *const *warnings;

      /* Few pictures: all of them train, and none is left to validate. */
      train = convolve_class_store_to_dataset (self->class_store, &error);
      /* Drawings that could not be read are left out: say so here too
       * (the class manager still lists them all). */
      warnings = convolve_class_store_get_warnings (self->class_store);
      if (warnings != NULL && warnings[0] != NULL)
        {
          guint more = g_strv_length ((char **) warnings) - 1;
          g_autofree char *text = more == 0
            ? g_strdup (warnings[0])
            /* Translators: %s is the first problem, %u how many more there are. */
            : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (and %u more problem)",
                                            "%s (and %u more problems)", more),
                               warnings[0], more);
          toast (self, text);
        }
    }
  else
    read_builtin (dataset, &train, &test, &error);
  if (train == NULL)
    {
      toast (self, error->message);
      return FALSE;
    }
  self->loading = FALSE;
  self->dataset = dataset;
  if (!gtk_check_button_get_active (GTK_CHECK_BUTTON (self->dataset_checks[dataset])))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->dataset_checks[dataset]), TRUE);
  show_datasets (self, train, test);
  finish_select (self, dataset, with_defaults);
  return TRUE;
}

static void
dataset_toggled_cb (GtkCheckButton    *check,
                    ConvolveTrainPage *self)
{
  if (!gtk_check_button_get_active (check))
    return;
  for (int i = 0; i < 4; i++)
    if (self->dataset_checks[i] == GTK_WIDGET (check) && (int) self->dataset != i)
      {
        if (!select_dataset (self, i, TRUE))
          gtk_check_button_set_active (GTK_CHECK_BUTTON (self->dataset_checks[self->dataset]), TRUE);
      }
}

static void
class_store_changed_cb (ConvolveClassStore *store,
                        ConvolveTrainPage  *self)
{
  update_dataset_rows (self);
  if (self->dataset == CONVOLVE_TRAIN_DATASET_MY_CLASSES && !is_active (self))
    {
      if (my_classes_ready (self))
        select_dataset (self, CONVOLVE_TRAIN_DATASET_MY_CLASSES, FALSE);
      else
        select_dataset (self, CONVOLVE_TRAIN_DATASET_SHAPES, TRUE);
    }
}

/* ------------------------------------------------------------- results */

typedef struct {
  CvNet           *net;          /* a private copy of the final model */
  ConvolveDataset *ds;           /* a copy of the pictures to count */
  int             *predictions;  /* (n) */
  int             *counts;       /* (k, k) */
  int              k;
  guint            generation;
  gboolean         validation;   /* ds is the validation set */
} EvalJob;

static void
eval_job_free (gpointer data)
{
  EvalJob *job = data;

  g_clear_pointer (&job->net, cv_net_free);
  g_clear_pointer (&job->ds, convolve_dataset_free);
  g_free (job->predictions);
  g_free (job->counts);
  g_free (job);
}

/* On a worker: every picture through the network, batch by batch. The
 * counts are what cv_net_evaluate's confusion matrix holds (tested). */
static void
eval_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  EvalJob *job = task_data;
  const ConvolveDataset *ds = job->ds;
  gsize sample = (gsize) ds->h * ds->w * ds->c;
  int k = job->k;

  for (int from = 0; from < ds->n; from += 128)
    {
      int count = MIN (128, ds->n - from);
      const float *out;

      if (cv_net_forward (job->net, ds->x + (gsize) from * sample, count) != CV_OK)
        {
          g_task_return_new_error (task, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_FAILED,
                                   _("Out of memory while testing the network."));
          return;
        }
      out = cv_net_output (job->net);
      for (int i = 0; i < count; i++)
        {
          int best = 0;
          for (int c = 1; c < k; c++)
            if (out[i * k + c] > out[i * k + best])
              best = c;
          job->predictions[from + i] = best;
          if (ds->y[from + i] < k)
            job->counts[ds->y[from + i] * k + best]++;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
show_results (ConvolveTrainPage *self)
{
  ConvolveDataset *ds = self->evaluated;
  int k = self->n_classes;
  g_autoptr(GString) per_class = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (int r = 0; r < k; r++)
    g_ptr_array_add (names, (gpointer) shown_class (ds->class_names[r]));
  g_ptr_array_add (names, NULL);
  convolve_confusion_set_matrix (CONVOLVE_CONFUSION (self->confusion), k,
                                 (const char *const *) names->pdata, self->confusion_counts);
  for (int r = 0; r < k; r++)
    {
      int total = 0;
      for (int c = 0; c < k; c++)
        total += self->confusion_counts[r * k + c];
      if (per_class->len > 0)
        g_string_append_c (per_class, '\n');
      /* Translators: accuracy of one class, e.g. "circle: 98.0% (98 of 100)" */
      g_string_append_printf (per_class, _("%s: %.1f%% (%d of %d)"),
                              shown_class (ds->class_names[r]),
                              total > 0 ? 100.0 * self->confusion_counts[r * k + r] / total : 0.0,
                              self->confusion_counts[r * k + r], total);
    }
  gtk_label_set_text (GTK_LABEL (self->per_class_label), per_class->str);
  gtk_label_set_text (GTK_LABEL (self->cell_title),
                      _("Click a square of the matrix to see its pictures."));
  convolve_image_grid_clear (CONVOLVE_IMAGE_GRID (self->cell_grid));
  gtk_widget_set_visible (self->results_box, TRUE);
}

static void
evaluated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (source);
  EvalJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* Disposed meanwhile, or a new run started since. */
  if (self->trainer == NULL || job->generation != self->results_generation)
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, error->message);
      return;
    }
  self->confusion_counts = g_steal_pointer (&job->counts);
  self->predictions = g_steal_pointer (&job->predictions);
  self->evaluated = g_steal_pointer (&job->ds);
  self->n_classes = job->k;
  gtk_label_set_text (GTK_LABEL (self->results_title),
                      job->validation ? _("How it does on pictures it never trained on")
                                      : _("How it does on the pictures it trained on"));
  show_results (self);
}

static void
clear_results (ConvolveTrainPage *self)
{
  self->results_generation++;
  g_clear_pointer (&self->confusion_counts, g_free);
  g_clear_pointer (&self->predictions, g_free);
  g_clear_pointer (&self->evaluated, convolve_dataset_free);
  gtk_widget_set_visible (self->results_box, FALSE);
}

/* Tests the final model on the validation set (or, for My classes, on
 * the drawings it learnt from) on a worker thread. */
static void
compute_results (ConvolveTrainPage *self)
{
  ConvolveModel *model = convolve_trainer_get_model (self->trainer);
  const ConvolveDataset *ds = convolve_trainer_get_validation (self->trainer);
  g_autoptr(GTask) task = NULL;
  EvalJob *job;
  CvNet *net;

  clear_results (self);
  if (ds == NULL)
    ds = convolve_trainer_get_dataset (self->trainer);
  if (model == NULL || ds == NULL || ds->n == 0)
    return;
  net = convolve_model_dup_net (model);
  if (net == NULL)
    return;

  job = g_new0 (EvalJob, 1);
  job->net = net;
  job->k = cv_net_n_classes (net);
  job->ds = convolve_dataset_slice (ds, 0, ds->n);
  job->predictions = g_new0 (int, ds->n);
  job->counts = g_new0 (int, (gsize) job->k * job->k);
  job->generation = self->results_generation;
  job->validation = convolve_trainer_get_validation (self->trainer) != NULL;
  task = g_task_new (self, NULL, evaluated_cb, NULL);
  g_task_set_task_data (task, job, eval_job_free);
  g_task_run_in_thread (task, eval_thread);
}

static void
cell_activated_cb (ConvolveConfusion *confusion,
                   int                row,
                   int                column,
                   ConvolveTrainPage *self)
{
  convolve_train_page_show_cell (self, row, column);
}

/* ------------------------------------------------------- trainer events */

static void
append_log (ConvolveTrainPage *self,
            const char        *line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->log_view));
  GtkTextIter end;

  g_ptr_array_remove_index (self->log_lines, self->log_lines->len - 1);
  g_ptr_array_add (self->log_lines, g_strdup (line));
  g_ptr_array_add (self->log_lines, NULL);

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (gtk_text_buffer_get_char_count (buffer) > 0)
    gtk_text_buffer_insert (buffer, &end, "\n", 1);
  gtk_text_buffer_insert (buffer, &end, line, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->log_view), &end, 0.0, FALSE, 0, 0);
}

static void
update_progress (ConvolveTrainPage *self,
                 double             epochs_done)
{
  int epochs = convolve_trainer_get_epochs (self->trainer);
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar),
                                 epochs > 0 ? CLAMP (epochs_done / epochs, 0.0, 1.0) : 0.0);
  /* Translators: progress, e.g. "Epoch 3 of 20" */
  text = g_strdup_printf (_("Epoch %d of %d"), MIN ((int) floor (epochs_done) + 1, epochs), epochs);
  gtk_label_set_text (GTK_LABEL (self->progress_label), text);
}

static void
batch_finished_cb (ConvolveTrainer   *trainer,
                   int                batch,
                   int                batches,
                   double             loss,
                   ConvolveTrainPage *self)
{
  ConvolveChartData *data = convolve_chart_get_data (CONVOLVE_CHART (self->loss_chart));
  double x;

  if (batches <= 0)
    return;
  /* The running mean of this epoch's batches: the loss curve grows
   * between whole epochs instead of jumping. */
  if (batch <= 1)
    {
      self->epoch_loss_sum = 0.0;
      self->epoch_batches = 0;
    }
  if (isfinite (loss))
    {
      self->epoch_loss_sum += loss;
      self->epoch_batches++;
    }
  x = self->epochs_done + (double) batch / batches;
  if (self->epoch_batches > 0 && batch < batches)
    {
      ConvolveChartData *acc = convolve_chart_get_data (CONVOLVE_CHART (self->accuracy_chart));

      convolve_chart_data_set_live (data, self->loss_series, x,
                                    self->epoch_loss_sum / self->epoch_batches);
      /* The training accuracy of this epoch's batches so far grows the
       * same way; validation is measured at the end of an epoch only. */
      convolve_chart_data_set_live (acc, self->train_series, x,
                                    convolve_trainer_get_batch_accuracy (trainer));
      gtk_widget_queue_draw (self->loss_chart);
      gtk_widget_queue_draw (self->accuracy_chart);
    }
  update_progress (self, x);
  update_kernels (self, FALSE);
}

static void
epoch_finished_cb (ConvolveTrainer   *trainer,
                   int                epoch,
                   double             loss,
                   double             accuracy,
                   double             val_accuracy,
                   double             seconds,
                   ConvolveTrainPage *self)
{
  ConvolveChartData *loss_data = convolve_chart_get_data (CONVOLVE_CHART (self->loss_chart));
  ConvolveChartData *acc_data = convolve_chart_get_data (CONVOLVE_CHART (self->accuracy_chart));
  int epochs = convolve_trainer_get_epochs (trainer);
  g_autofree char *line = NULL;

  self->epochs_done = epoch;
  self->epoch_loss_sum = 0.0;
  self->epoch_batches = 0;
  g_array_append_val (self->history, ((HistoryRow) { epoch, loss, accuracy, val_accuracy, seconds }));
  convolve_chart_data_add_point (loss_data, self->loss_series, epoch, loss);
  convolve_chart_data_add_point (acc_data, self->train_series, epoch, accuracy);
  if (val_accuracy >= 0.0)
    convolve_chart_data_add_point (acc_data, self->val_series, epoch, val_accuracy);
  convolve_chart_changed (CONVOLVE_CHART (self->loss_chart));
  convolve_chart_changed (CONVOLVE_CHART (self->accuracy_chart));

  if (val_accuracy >= 0.0)
    /* Translators: one line of the training log per epoch */
    line = g_strdup_printf (_("Epoch %d/%d · loss %.3f · accuracy %.1f%% · validation %.1f%% · %.1f s"),
                            epoch, epochs, loss, 100.0 * accuracy, 100.0 * val_accuracy, seconds);
  else
    line = g_strdup_printf (_("Epoch %d/%d · loss %.3f · accuracy %.1f%% · %.1f s"),
                            epoch, epochs, loss, 100.0 * accuracy, seconds);
  append_log (self, line);
  update_progress (self, epoch);
  update_kernels (self, TRUE);
}

static void
finished_cb (ConvolveTrainer   *trainer,
             ConvolveTrainPage *self)
{
  int epochs = convolve_trainer_get_epochs (trainer);

  update_kernels (self, TRUE);
  if (self->epochs_done < epochs && convolve_trainer_get_patience (trainer) > 0)
    append_log (self, _("Stopped early: the validation accuracy had stopped improving, so the best weights were kept."));
  update_progress (self, epochs);
  compute_results (self);
}

static void
failed_cb (ConvolveTrainer   *trainer,
           const GError      *error,
           ConvolveTrainPage *self)
{
  if (g_error_matches (error, CONVOLVE_TRAINER_ERROR, CONVOLVE_TRAINER_ERROR_DIVERGED))
    {
      double rate = convolve_trainer_get_learning_rate (trainer);
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The training went off the rails: the loss grew without limit until it was no longer a number. "
                                   "The steps are too big — with a learning rate of %g every update jumps past the low point it should settle in. "
                                   "Make the steps ten times smaller (%g) and start again."),
                                 rate, rate * 0.1);
      show_problem (self, message, TRUE);
      append_log (self, _("The loss exploded: the learning rate is too large."));
    }
  else
    {
      show_problem (self, error->message, FALSE);
      append_log (self, error->message);
    }
}

static void
state_notify_cb (ConvolveTrainer   *trainer,
                 GParamSpec        *pspec,
                 ConvolveTrainPage *self)
{
  ConvolveTrainerState state = convolve_trainer_get_state (trainer);

  set_status_text (self, state_text (state));
  adw_button_content_set_label (ADW_BUTTON_CONTENT (self->pause_content),
                                state == CONVOLVE_TRAINER_STATE_PAUSED ? _("Resume") : _("Pause"));
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (self->pause_content),
                                    state == CONVOLVE_TRAINER_STATE_PAUSED ? "media-playback-start-symbolic"
                                                                           : "media-playback-pause-symbolic");
  if (state == CONVOLVE_TRAINER_STATE_CANCELLED)
    append_log (self, _("Stopped."));
  update_dataset_rows (self);
  update_actions (self);
}

/* -------------------------------------------------------------- actions */

static void
update_actions (ConvolveTrainPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ConvolveTrainerState state = convolve_trainer_get_state (self->trainer);
  gboolean active = is_active (self);
  gboolean has_data = convolve_trainer_get_dataset (self->trainer) != NULL && !self->loading;
  gboolean has_model = convolve_trainer_get_model (self->trainer) != NULL;
  gboolean done = state == CONVOLVE_TRAINER_STATE_FINISHED || state == CONVOLVE_TRAINER_STATE_CANCELLED;

  gtk_widget_action_set_enabled (widget, "train.start", !active && has_data);
  gtk_widget_action_set_enabled (widget, "train.pause", active);
  gtk_widget_action_set_enabled (widget, "train.step",
                                 state == CONVOLVE_TRAINER_STATE_PAUSED || (!active && has_data));
  gtk_widget_action_set_enabled (widget, "train.stop", active);
  gtk_widget_action_set_enabled (widget, "train.use-model", has_model && state != CONVOLVE_TRAINER_STATE_FAILED);
  gtk_widget_action_set_enabled (widget, "train.save", has_model && done);
  gtk_widget_action_set_enabled (widget, "train.lower-rate", !active);

  /* Only the learning rate may change while a run is active. */
  gtk_widget_set_sensitive (self->epochs_spin, !active);
  gtk_widget_set_sensitive (self->batch_spin, !active);
  gtk_widget_set_sensitive (self->optimizer_row, !active);
  gtk_widget_set_sensitive (self->augment_switch, !active);
  gtk_widget_set_sensitive (self->patience_spin, !active);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);
  g_autoptr(GError) error = NULL;
  GtkTextBuffer *buffer;
  int epochs;

  if (is_active (self))
    return;

  epochs = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->epochs_spin));
  convolve_trainer_set_epochs (self->trainer, epochs);
  convolve_trainer_set_batch_size (self->trainer, gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->batch_spin)));
  convolve_trainer_set_learning_rate (self->trainer, gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->rate_spin)));
  convolve_trainer_set_optimizer (self->trainer,
                                  adw_combo_row_get_selected (ADW_COMBO_ROW (self->optimizer_row)) == 1
                                    ? CONVOLVE_OPTIMIZER_SGD : CONVOLVE_OPTIMIZER_ADAM);
  convolve_trainer_set_augment (self->trainer, gtk_switch_get_active (GTK_SWITCH (self->augment_switch)));
  convolve_trainer_set_patience (self->trainer,
                                 convolve_trainer_get_validation (self->trainer) != NULL
                                   ? gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->patience_spin)) : 0);

  reset_charts (self, epochs);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->log_view));
  gtk_text_buffer_set_text (buffer, "", 0);
  g_ptr_array_set_size (self->log_lines, 0);
  g_ptr_array_add (self->log_lines, NULL);
  g_array_set_size (self->history, 0);
  self->epochs_done = 0;
  self->epoch_loss_sum = 0.0;
  self->epoch_batches = 0;
  hide_problem (self);
  clear_results (self);
  update_progress (self, 0.0);

  if (self->step_after_start)
    {
      /* Step before Start: a new run waiting before its first batch. */
      self->step_after_start = FALSE;
      if (!convolve_trainer_start_paused (self->trainer, &error))
        {
          show_problem (self, error->message, FALSE);
          return;
        }
      convolve_trainer_step (self->trainer);
    }
  else if (!convolve_trainer_start (self->trainer, &error))
    {
      show_problem (self, error->message, FALSE);
      return;
    }
  update_kernels (self, TRUE);
  update_actions (self);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);
  ConvolveTrainerState state = convolve_trainer_get_state (self->trainer);

  if (state == CONVOLVE_TRAINER_STATE_RUNNING)
    convolve_trainer_pause (self->trainer);
  else if (state == CONVOLVE_TRAINER_STATE_PAUSED)
    convolve_trainer_resume (self->trainer);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);
  ConvolveTrainerState state = convolve_trainer_get_state (self->trainer);

  if (state == CONVOLVE_TRAINER_STATE_PAUSED)
    convolve_trainer_step (self->trainer);
  else if (!is_active (self))
    {
      self->step_after_start = TRUE;
      start_action (widget, "train.start", NULL);
    }
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);

  if (is_active (self))
    convolve_trainer_cancel (self->trainer);
}

static void
use_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);
  ConvolveModel *model = convolve_trainer_get_model (self->trainer);

  if (model == NULL)
    return;
  g_signal_emit (self, signals[USE_MODEL], 0, model);
  toast (self, _("The Draw page now uses this model."));
}

static void
save_response_cb (GtkNativeDialog   *dialog,
                  int                response,
                  ConvolveTrainPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      ConvolveModel *model = convolve_trainer_get_model (self->trainer);

      if (model != NULL && file != NULL)
        {
          if (convolve_model_save (model, file, &error))
            {
              g_autofree char *name = g_file_get_basename (file);
              g_autofree char *message = g_strdup_printf (_("Model saved as “%s”."), name);
              toast (self, message);
            }
          else
            {
              g_autofree char *message = g_strdup_printf (_("The model could not be saved: %s"), error->message);
              toast (self, message);
            }
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (convolve_trainer_get_model (self->trainer) == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Save Model"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Convolve models"));
  gtk_file_filter_add_pattern (filter, "*.cvm");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "my-model.cvm");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
lower_rate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (widget);
  double rate = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->rate_spin));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rate_spin), rate * 0.1);
  hide_problem (self);
  start_action (widget, "train.start", NULL);
}

static void
rate_changed_cb (GtkSpinButton     *spin,
                 ConvolveTrainPage *self)
{
  /* Applies from the next batch when a run is active. */
  convolve_trainer_set_learning_rate (self->trainer, gtk_spin_button_get_value (spin));
}

static void
epochs_changed_cb (GtkSpinButton     *spin,
                   ConvolveTrainPage *self)
{
  if (!is_active (self) && self->epochs_done == 0)
    reset_charts (self, gtk_spin_button_get_value_as_int (spin));
}

/* --------------------------------------------------------------- layout */

static GtkWidget *
section_title (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-3");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

static GtkWidget *
action_button (const char *label,
               const char *icon_name,
               const char *action,
               const char *tooltip,
               GtkWidget **content_out)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), label);
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), icon_name);
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (button, tooltip);
  /* AdwButtonContent labels the button ("Start"): a label of our own
   * would be read twice. */
  if (content_out != NULL)
    *content_out = content;
  return button;
}

static GtkWidget *
spin_row (const char *title,
          const char *subtitle,
          double      lower,
          double      upper,
          double      step,
          int         digits,
          GtkWidget **spin_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  /* The row names its activatable widget (labelled-by the title). */
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  *spin_out = spin;
  return row;
}

static GtkWidget *
build_settings (ConvolveTrainPage *self)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group, *row;
  GtkStringList *optimizers;
  static const struct {
    const char *title;
    const char *subtitle;
  } datasets[4] = {
    { N_("Shapes"), N_("Circles, squares and triangles, 16×16: 180 to learn from") },
    { N_("Digits"), N_("Handwritten digits, 28×28: 4,000 to learn from, 1,000 to test") },
    { N_("Fashion"), NULL },
    { N_("My classes"), NULL },
  };

  gtk_widget_set_size_request (column, 300, -1);

  /* Dataset */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Pictures"));
  for (int i = 0; i < 4; i++)
    {
      row = adw_action_row_new ();
      self->dataset_checks[i] = gtk_check_button_new ();
      if (i > 0)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (self->dataset_checks[i]),
                                    GTK_CHECK_BUTTON (self->dataset_checks[0]));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(datasets[i].title));
      if (datasets[i].subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(datasets[i].subtitle));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), self->dataset_checks[i]);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->dataset_checks[i]);
      g_signal_connect (self->dataset_checks[i], "toggled", G_CALLBACK (dataset_toggled_cb), self);
      self->dataset_rows[i] = row;
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (GTK_BOX (column), group);

  self->dataset_summary = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->dataset_summary), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (self->dataset_summary), TRUE);
  gtk_widget_add_css_class (self->dataset_summary, "dim-label");
  gtk_box_append (GTK_BOX (column), self->dataset_summary);

  self->preview_grid = convolve_image_grid_new (60, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview_grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sample pictures"),
                                  -1);
  gtk_box_append (GTK_BOX (column), self->preview_grid);

  /* Hyperparameters */
  group = adw_preferences_group_new ();
  self->settings_group = group;
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("How to learn"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             spin_row (_("Epochs"), _("Passes over all the pictures"),
                                       1, 200, 1, 0, &self->epochs_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             spin_row (_("Batch size"), _("Pictures per weight update"),
                                       1, 512, 1, 0, &self->batch_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             spin_row (_("Learning rate"), _("Step size; you may change it while training runs"),
                                       0.00001, 2.0, 0.0005, 5, &self->rate_spin));
  gtk_widget_set_size_request (self->rate_spin, 130, -1);

  optimizers = gtk_string_list_new (NULL);
  gtk_string_list_append (optimizers, _("Adam"));
  gtk_string_list_append (optimizers, _("SGD with momentum"));
  self->optimizer_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->optimizer_row), _("Optimizer"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->optimizer_row), G_LIST_MODEL (optimizers));
  g_object_unref (optimizers);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->optimizer_row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Augmentation"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Turn, shift and resize pictures a little each time"));
  self->augment_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->augment_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->augment_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->augment_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             spin_row (_("Early stopping"),
                                       _("Stop after this many epochs without a better test score (0: never)"),
                                       0, 50, 1, 0, &self->patience_spin));
  gtk_box_append (GTK_BOX (column), group);

  g_signal_connect (self->rate_spin, "value-changed", G_CALLBACK (rate_changed_cb), self);
  g_signal_connect (self->epochs_spin, "value-changed", G_CALLBACK (epochs_changed_cb), self);

  /* Architecture */
  gtk_box_append (GTK_BOX (column), section_title (_("The network")));
  self->arch_grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->arch_grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (self->arch_grid), 6);
  gtk_widget_add_css_class (self->arch_grid, "card");
  gtk_widget_add_css_class (self->arch_grid, "convolve-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->arch_grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Network layers"),
                                  -1);
  gtk_box_append (GTK_BOX (column), self->arch_grid);

  return column;
}

static GtkWidget *
build_training (ConvolveTrainPage *self)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *controls, *box, *label, *flow, *scroller, *button;
  ConvolveChartData *data;

  gtk_widget_set_hexpand (column, TRUE);

  /* Controls and state */
  controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  button = action_button (_("_Start"), "media-playback-start-symbolic", "train.start",
                          _("Start training from fresh weights (F6)"), NULL);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (controls), button);
  button = action_button (_("_Pause"), "media-playback-pause-symbolic", "train.pause",
                          _("Pause or resume (F7)"), &self->pause_content);
  gtk_box_append (GTK_BOX (controls), button);
  gtk_box_append (GTK_BOX (controls),
                  action_button (_("Ste_p"), "go-next-symbolic", "train.step",
                                 _("Learn from one batch, then wait (F8)"), NULL));
  gtk_box_append (GTK_BOX (controls),
                  action_button (_("S_top"), "media-playback-stop-symbolic", "train.stop",
                                 _("Stop training (F9)"), NULL));
  gtk_box_append (GTK_BOX (column), controls);

  /* The state in one large word, then how far the run has got. */
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->status_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status_label, "title-2");
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0.0f);
  gtk_box_append (GTK_BOX (box), self->status_label);
  self->progress_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->progress_label, "numeric");
  gtk_box_append (GTK_BOX (box), self->progress_label);
  self->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_hexpand (self->progress_bar, TRUE);
  gtk_widget_set_valign (self->progress_bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Training progress"),
                                  -1);
  gtk_box_append (GTK_BOX (box), self->progress_bar);
  gtk_box_append (GTK_BOX (column), box);

  /* A problem in plain words, with the fix one click away. */
  self->problem_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (self->problem_box, "card");
  gtk_widget_add_css_class (self->problem_box, "convolve-problem");
  self->problem_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->problem_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->problem_label), 0.0f);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problem"),
                                  -1);
  gtk_box_append (GTK_BOX (self->problem_box), self->problem_label);
  self->problem_button = gtk_button_new ();
  {
    GtkWidget *fix = gtk_label_new_with_mnemonic (_("_Lower the Learning Rate and Start Again"));
    gtk_label_set_wrap (GTK_LABEL (fix), TRUE);
    gtk_label_set_justify (GTK_LABEL (fix), GTK_JUSTIFY_CENTER);
    gtk_button_set_child (GTK_BUTTON (self->problem_button), fix);
  }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->problem_button), "train.lower-rate");
  gtk_widget_add_css_class (self->problem_button, "suggested-action");
  gtk_widget_set_halign (self->problem_button, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self->problem_box), self->problem_button);
  gtk_widget_set_visible (self->problem_box, FALSE);
  gtk_box_append (GTK_BOX (column), self->problem_box);

  /* Charts: side by side when there is room. */
  flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);

  self->loss_chart = convolve_chart_new (_("Loss chart"));
  data = convolve_chart_get_data (CONVOLVE_CHART (self->loss_chart));
  self->loss_series = convolve_chart_data_add_series (data, _("Loss on the training pictures"), FALSE);
  convolve_chart_data_set_titles (data, _("epoch"), NULL);
  self->accuracy_chart = convolve_chart_new (_("Accuracy chart"));
  data = convolve_chart_get_data (CONVOLVE_CHART (self->accuracy_chart));
  self->train_series = convolve_chart_data_add_series (data, _("Training"), FALSE);
  self->val_series = convolve_chart_data_add_series (data, _("Validation"), TRUE);
  convolve_chart_data_set_y_range (data, 0.0, 1.0, TRUE);
  convolve_chart_data_set_titles (data, _("epoch"), _("Accuracy"));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), self->loss_chart);
  gtk_flow_box_append (GTK_FLOW_BOX (flow), self->accuracy_chart);
  for (GtkWidget *child = gtk_widget_get_first_child (flow); child; child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  gtk_box_append (GTK_BOX (column), flow);

  /* Kernels */
  gtk_box_append (GTK_BOX (column), section_title (_("What the first layer looks for")));
  label = gtk_label_new (_("Its kernels, live: orange weights add up bright pixels, blue ones subtract them."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (column), label);
  self->kernel_grid = convolve_image_grid_new (56, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kernel_grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("First-layer kernels"),
                                  -1);
  gtk_box_append (GTK_BOX (column), self->kernel_grid);

  /* Log */
  gtk_box_append (GTK_BOX (column), section_title (_("Log")));
  self->log_view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->log_view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->log_view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->log_view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->log_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->log_view), 8);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->log_view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->log_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Training log"),
                                  -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->log_view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 140);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (GTK_BOX (column), scroller);

  /* Results */
  self->results_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (self->results_box), section_title (_("Results")));
  self->results_title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->results_title), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (self->results_title), TRUE);
  gtk_box_append (GTK_BOX (self->results_box), self->results_title);
  /* Matrix above the per-class list: both fit the narrowest window. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  self->confusion = convolve_confusion_new ();
  gtk_widget_set_halign (self->confusion, GTK_ALIGN_START);
  g_signal_connect (self->confusion, "cell-activated", G_CALLBACK (cell_activated_cb), self);
  gtk_box_append (GTK_BOX (box), self->confusion);
  self->per_class_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->per_class_label), 0.0f);
  gtk_widget_set_valign (self->per_class_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->per_class_label, "numeric");
  gtk_widget_add_css_class (self->per_class_label, "convolve-per-class");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->per_class_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accuracy per class"),
                                  -1);
  gtk_box_append (GTK_BOX (box), self->per_class_label);
  gtk_box_append (GTK_BOX (self->results_box), box);
  self->cell_title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->cell_title), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (self->cell_title), TRUE);
  gtk_box_append (GTK_BOX (self->results_box), self->cell_title);
  self->cell_grid = convolve_image_grid_new (56, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cell_grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pictures of the chosen square"),
                                  -1);
  gtk_box_append (GTK_BOX (self->results_box), self->cell_grid);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  button = action_button (_("_Use This Model"), "document-send-symbolic", "train.use-model",
                           _("Recognise drawings on the Draw page with this network"), NULL);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box),
                  action_button (_("_Save Model…"), "document-save-symbolic", "train.save", NULL, NULL));
  gtk_box_append (GTK_BOX (self->results_box), box);
  gtk_widget_set_visible (self->results_box, FALSE);
  gtk_box_append (GTK_BOX (column), self->results_box);

  return column;
}

/* ------------------------------------------------------------ lifecycle */

static void
convolve_train_page_dispose (GObject *object)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (object);
  GtkWidget *child;

  if (self->trainer != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->trainer, self);
      convolve_trainer_cancel (self->trainer);
      g_clear_object (&self->trainer);
    }
  if (self->class_store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->class_store, self);
      g_clear_object (&self->class_store);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (convolve_train_page_parent_class)->dispose (object);
}

static void
convolve_train_page_finalize (GObject *object)
{
  ConvolveTrainPage *self = CONVOLVE_TRAIN_PAGE (object);

  g_clear_pointer (&self->arch_net, cv_net_free);
  g_clear_pointer (&self->log_lines, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_array_unref);
  g_clear_pointer (&self->confusion_counts, g_free);
  g_clear_pointer (&self->predictions, g_free);
  g_clear_pointer (&self->evaluated, convolve_dataset_free);
  g_clear_pointer (&self->spec, g_free);

  G_OBJECT_CLASS (convolve_train_page_parent_class)->finalize (object);
}

static void
convolve_train_page_class_init (ConvolveTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_train_page_dispose;
  object_class->finalize = convolve_train_page_finalize;

  /**
   * ConvolveTrainPage::use-model:
   * @model: the trained ConvolveModel (borrowed; ref it to keep it)
   *
   * "Use this model": the window puts it on the Draw page.
   */
  signals[USE_MODEL] =
    g_signal_new ("use-model", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CONVOLVE_TYPE_MODEL);

  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "train.step", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "train.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "train.use-model", NULL, use_model_action);
  gtk_widget_class_install_action (widget_class, "train.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "train.lower-rate", NULL, lower_rate_action);

  /* Keys a teacher can reach without looking, whatever has the focus on
   * the page: F6 start, F7 pause or resume, F8 one batch, F9 stop (F5 is
   * presentation mode, everywhere). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F7, 0, "train.pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "train.step", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "train.stop", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convolve-train-page");
}

static void
convolve_train_page_init (ConvolveTrainPage *self)
{
  GtkWidget *scroller, *clamp, *box, *settings;

  convolve_train_style_ensure ();

  self->trainer = convolve_trainer_new ();
  /* Two threads train about 1.5 times as fast, but on two cores the
   * window would share one with the trainer and drop frames. */
  convolve_trainer_set_threads (self->trainer,
                                convolve_trainer_threads_beside_window (g_get_num_processors ()));
  self->log_lines = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->log_lines, NULL);
  self->history = g_array_new (FALSE, FALSE, sizeof (HistoryRow));
  self->dataset = CONVOLVE_TRAIN_DATASET_SHAPES;

  self->toasts = adw_toast_overlay_new ();
  gtk_widget_set_parent (self->toasts, GTK_WIDGET (self));
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), scroller);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  /* The settings take what they need up to 400 px; the run gets the rest. */
  settings = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (settings), 400);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (settings), 400);
  gtk_widget_set_hexpand (settings, FALSE);
  adw_clamp_set_child (ADW_CLAMP (settings), build_settings (self));
  gtk_box_append (GTK_BOX (box), settings);
  gtk_box_append (GTK_BOX (box), build_training (self));

  g_signal_connect (self->trainer, "notify::state", G_CALLBACK (state_notify_cb), self);
  g_signal_connect (self->trainer, "batch-finished", G_CALLBACK (batch_finished_cb), self);
  g_signal_connect (self->trainer, "epoch-finished", G_CALLBACK (epoch_finished_cb), self);
  g_signal_connect (self->trainer, "finished", G_CALLBACK (finished_cb), self);
  g_signal_connect (self->trainer, "failed", G_CALLBACK (failed_cb), self);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->dataset_checks[CONVOLVE_TRAIN_DATASET_SHAPES]), TRUE);
  select_dataset (self, CONVOLVE_TRAIN_DATASET_SHAPES, TRUE);
  set_status_text (self, state_text (CONVOLVE_TRAINER_STATE_IDLE));
  update_progress (self, 0.0);
  update_dataset_rows (self);
  update_actions (self);
}

/* --------------------------------------------------------------- public */

GtkWidget *
convolve_train_page_new (void)
{
  return g_object_new (CONVOLVE_TYPE_TRAIN_PAGE, NULL);
}

void
convolve_train_page_set_class_store (ConvolveTrainPage  *self,
                                     ConvolveClassStore *store)
{
  g_return_if_fail (CONVOLVE_IS_TRAIN_PAGE (self));
  g_return_if_fail (store == NULL || CONVOLVE_IS_CLASS_STORE (store));

  if (self->class_store == store)
    return;
  if (self->class_store != NULL)
    g_signal_handlers_disconnect_by_data (self->class_store, self);
  g_set_object (&self->class_store, store);
  if (store != NULL)
    g_signal_connect (store, "changed", G_CALLBACK (class_store_changed_cb), self);
  update_dataset_rows (self);
}

gboolean
convolve_train_page_select_dataset (ConvolveTrainPage   *self,
                                    ConvolveTrainDataset dataset)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), FALSE);
  g_return_val_if_fail (dataset <= CONVOLVE_TRAIN_DATASET_MY_CLASSES, FALSE);

  return select_dataset (self, dataset, TRUE);
}

ConvolveTrainDataset
convolve_train_page_get_dataset (ConvolveTrainPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), CONVOLVE_TRAIN_DATASET_SHAPES);
  return self->dataset;
}

void
convolve_train_page_set_epochs (ConvolveTrainPage *self,
                                int                epochs)
{
  g_return_if_fail (CONVOLVE_IS_TRAIN_PAGE (self));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->epochs_spin), epochs);
}

void
convolve_train_page_set_learning_rate (ConvolveTrainPage *self,
                                       double             learning_rate)
{
  g_return_if_fail (CONVOLVE_IS_TRAIN_PAGE (self));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rate_spin), learning_rate);
}

gboolean
convolve_train_page_apply_preset (ConvolveTrainPage *self,
                                  const char        *preset)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), FALSE);

  if (g_strcmp0 (preset, "shapes") == 0)
    return select_dataset (self, CONVOLVE_TRAIN_DATASET_SHAPES, TRUE);
  if (g_strcmp0 (preset, "shapes-run") == 0)
    {
      if (!select_dataset (self, CONVOLVE_TRAIN_DATASET_SHAPES, TRUE))
        return FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "train.start", NULL);
      return TRUE;
    }
  if (g_strcmp0 (preset, "digits") == 0)
    return select_dataset (self, CONVOLVE_TRAIN_DATASET_DIGITS, TRUE);
  if (g_strcmp0 (preset, "fashion") == 0)
    return select_dataset (self, CONVOLVE_TRAIN_DATASET_FASHION, TRUE);
  if (g_strcmp0 (preset, "my-classes") == 0)
    return select_dataset (self, CONVOLVE_TRAIN_DATASET_MY_CLASSES, TRUE);
  if (g_strcmp0 (preset, "too-fast") == 0)
    {
      if (!select_dataset (self, CONVOLVE_TRAIN_DATASET_SHAPES, TRUE))
        return FALSE;
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rate_spin), 2.0);
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->optimizer_row), 1);
      return TRUE;
    }
  return FALSE;
}

ConvolveTrainer *
convolve_train_page_get_trainer (ConvolveTrainPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), NULL);
  return self->trainer;
}

GtkWidget *
convolve_train_page_get_loss_chart (ConvolveTrainPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), NULL);
  return self->loss_chart;
}

GtkWidget *
convolve_train_page_get_accuracy_chart (ConvolveTrainPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), NULL);
  return self->accuracy_chart;
}

const char *const *
convolve_train_page_get_log_lines (ConvolveTrainPage *self)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), NULL);
  return (const char *const *) self->log_lines->pdata;
}

const int *
convolve_train_page_get_confusion (ConvolveTrainPage *self,
                                   int               *n_classes)
{
  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), NULL);
  if (n_classes != NULL)
    *n_classes = self->confusion_counts != NULL ? self->n_classes : 0;
  return self->confusion_counts;
}

guint
convolve_train_page_show_cell (ConvolveTrainPage *self,
                               int                true_class,
                               int                predicted_class)
{
  ConvolveDataset *ds;
  ConvolveImageGrid *grid;
  g_autofree char *title = NULL;
  guint found = 0;
  gsize sample;

  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), 0);
  ds = self->evaluated;
  if (ds == NULL || self->predictions == NULL ||
      true_class < 0 || true_class >= self->n_classes ||
      predicted_class < 0 || predicted_class >= self->n_classes)
    return 0;

  grid = CONVOLVE_IMAGE_GRID (self->cell_grid);
  convolve_image_grid_clear (grid);
  sample = (gsize) ds->h * ds->w * ds->c;
  for (int i = 0; i < ds->n; i++)
    if (ds->y[i] == true_class && self->predictions[i] == predicted_class)
      {
        if (found < MAX_CELL_PICTURES)
          {
            g_autofree float *gray = g_new (float, (gsize) ds->h * ds->w);
            for (int p = 0; p < ds->h * ds->w; p++)
              gray[p] = ds->x[i * sample + (gsize) p * ds->c];
            convolve_image_grid_add (grid, gray, ds->w, ds->h, NULL);
          }
        found++;
      }

  if (true_class == predicted_class)
    /* Translators: e.g. "98 pictures of “circle” recognised correctly" */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u picture of “%s” recognised correctly",
                                          "%u pictures of “%s” recognised correctly", found),
                             found, shown_class (ds->class_names[true_class]));
  else
    /* Translators: e.g. "3 pictures of “circle” taken for “square”" */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u picture of “%s” taken for “%s”",
                                          "%u pictures of “%s” taken for “%s”", found),
                             found, shown_class (ds->class_names[true_class]),
                             shown_class (ds->class_names[predicted_class]));
  if (found > MAX_CELL_PICTURES)
    {
      g_autofree char *more = g_strdup_printf (_("%s (the first %d shown)"), title, MAX_CELL_PICTURES);
      g_free (title);
      title = g_steal_pointer (&more);
    }
  gtk_label_set_text (GTK_LABEL (self->cell_title), title);
  return found;
}

char *
convolve_train_page_get_history_csv (ConvolveTrainPage *self)
{
  GString *csv;

  g_return_val_if_fail (CONVOLVE_IS_TRAIN_PAGE (self), NULL);

  if (self->history->len == 0)
    return NULL;
  /* Column names are for spreadsheets and scripts: not translated. The
   * numbers use a dot whatever the locale, as CSV readers expect. */
  csv = g_string_new ("epoch,loss,accuracy,val_accuracy,seconds\n");
  for (guint i = 0; i < self->history->len; i++)
    {
      const HistoryRow *row = &g_array_index (self->history, HistoryRow, i);
      char loss[G_ASCII_DTOSTR_BUF_SIZE], acc[G_ASCII_DTOSTR_BUF_SIZE];
      char val[G_ASCII_DTOSTR_BUF_SIZE], secs[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (loss, sizeof loss, "%.6f", row->loss);
      g_ascii_formatd (acc, sizeof acc, "%.6f", row->accuracy);
      g_ascii_formatd (secs, sizeof secs, "%.3f", row->seconds);
      if (row->val_accuracy >= 0.0)
        g_ascii_formatd (val, sizeof val, "%.6f", row->val_accuracy);
      else
        val[0] = '\0';
      g_string_append_printf (csv, "%d,%s,%s,%s,%s\n", row->epoch, loss, acc, val, secs);
    }
  return g_string_free (csv, FALSE);
}
