/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "convolve-learn-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "convolve-learn-page.h"
#include "convolve-train-style.h"

#define LESSON_RESOURCE "/io/github/convolve/Convolve/train/lessons/"
#define MAX_PARAGRAPHS 5
#define MAX_FORMULAS   7

typedef struct {
  const char *markup;    /* Pango markup */
  const char *caption;   /* plain words under it, or NULL */
} Formula;

typedef struct {
  const char *title;
  const char *paragraphs[MAX_PARAGRAPHS];  /* Pango markup */
  Formula     formulas[MAX_FORMULAS];
  const char *code;                        /* a file in lessons/, or NULL */
  const char *try_label;
  const char *try_page;
  const char *try_preset;
} Lesson;

/* Every sentence here is ours; the facts and numbers are the curriculum's. */
static const Lesson lessons[] = {
  {
    N_("Why not look at every pixel at once?"),
    {
      N_("A colour photo of 224 × 224 pixels holds three numbers per pixel — red, green and blue — so 224 × 224 × 3 = <b>150,528</b> numbers in all."),
      N_("An ordinary, <i>fully connected</i> layer would wire each of its neurons to every one of those numbers: 150,528 weights for a single neuron, and millions for a layer. Worse, it would treat two neighbouring pixels exactly like two pixels from opposite corners."),
      N_("Yet what matters in a picture is <b>local</b>: an edge, a corner or a bit of texture covers only a few pixels. So a convolutional network does what you do with a magnifying glass: it looks through a small window and moves the window across the picture."),
    },
    { { NULL } },
    NULL,
    N_("See a 3×3 window find edges"), "convolution", "vertical-edge",
  },
  {
    N_("Three operations"),
    {
      N_("<b>1 · Convolution finds features.</b> A small grid of weights, the <i>kernel</i> (for example 3 × 3), slides over the picture. At each place it multiplies the pixels under it by its weights and adds everything up into one number. All those numbers together form a <i>feature map</i>: it lights up where the kernel’s pattern appears. Several kernels look for several patterns at once — horizontal edges, vertical edges, diagonals."),
      N_("<b>2 · Pooling shrinks.</b> Max pooling replaces each 2 × 2 block of a feature map by its largest value. The map becomes half as wide and half as high, the strong answers survive, and a feature that moves by a pixel or two still gives the same result."),
      N_("<b>3 · The fully connected layer decides.</b> The last feature maps are laid out in one long row of numbers. By now they no longer describe pixels but things like “has a round edge here”. An ordinary layer weighs them and gives a probability for every class."),
    },
    { { NULL } },
    NULL,
    N_("Step through a convolution"), "convolution", "step",
  },
  {
    N_("Small windows, shared weights"),
    {
      N_("<b>Local receptive field.</b> Each neuron of a convolutional layer sees only a small patch of its input — its <i>receptive field</i> — never the whole picture. That suits pictures, whose meaningful details are local."),
      N_("<b>Weight sharing.</b> The kernel keeps the same weights wherever it is. A kernel that spots a vertical line spots it on the left and on the right alike, so it needs learning only once."),
      N_("Count them for a 16 × 16 picture. A convolution with 8 kernels of 3 × 3 needs 3 × 3 × 1 × 8 weights plus 8 biases: <b>80 parameters</b>. A fully connected layer from the same 256 pixels to 8 neurons needs 16 × 16 × 8 + 8 = <b>2,056 parameters</b> — and it still knows nothing about which pixels are neighbours."),
    },
    { { NULL } },
    NULL,
    N_("See the parameter counts of a network"), "train", "shapes",
  },
  {
    N_("Layer upon layer"),
    {
      N_("Networks stack several rounds of convolution and pooling, and each round builds on the one before:"),
      N_("• the <b>first</b> layer reacts to simple things: edges and changes of brightness or colour;\n• the <b>second</b> combines edges into corners and arcs;\n• <b>deeper</b> layers combine those into parts — an eye, a wheel, a letter."),
      N_("That is the “deep” in deep learning. Nobody designs these features by hand: the network learns, layer by layer, to turn pixels into ideas."),
    },
    { { NULL } },
    NULL,
    N_("Watch first-layer kernels learn"), "train", "shapes-run",
  },
  {
    N_("Build step 1 · Draw the shapes"),
    {
      N_("Our first network learns three shapes: circles, squares and triangles, drawn on a tiny canvas of 16 × 16 pixels where every pixel is either 0 (empty) or 1 (ink)."),
      N_("This C function draws one shape of radius <i>r</i> around a centre (<i>cx</i>, <i>cy</i>): for every pixel it decides whether it lies on the shape."),
    },
    { { NULL } },
    "step1-draw.c",
    N_("Draw a shape yourself"), "draw", "shapes",
  },
  {
    N_("Build step 2 · Make a dataset"),
    {
      N_("One drawing teaches nothing. We make <b>180</b> of them — 60 of each shape — at random sizes and places, and lay them out one after the other as a single block of numbers with four dimensions, [N, H, W, C]: 180 pictures × 16 rows × 16 columns × 1 channel."),
      N_("Each picture gets a label: 0 for a circle, 1 for a square, 2 for a triangle."),
    },
    { { NULL } },
    "step2-dataset.c",
    N_("Look at the 180 shapes"), "train", "shapes",
  },
  {
    N_("Build step 3 · Build the network"),
    {
      N_("Two convolutions find the features, a flatten lays them out in a row, and two fully connected layers classify: Conv → Pool → Conv → Pool → Flatten → Dense → Dense."),
      N_("Our engine builds a network from one line of text. The layers then report their output shapes and parameter counts: 80, 1,168, 8,224 and 99, <b>9,571</b> in total."),
    },
    { { NULL } },
    "step3-network.c",
    N_("See the network’s table"), "train", "shapes",
  },
  {
    N_("Build step 4 · Train it"),
    {
      N_("Training shows the network the pictures again and again. After every small batch it measures how wrong it was — the <i>loss</i> — and nudges every weight a little in the direction that makes the loss smaller. The Adam optimizer chooses how big each nudge is."),
      N_("After each epoch (one pass over all 180 pictures) we print the loss and the accuracy. Watch the loss fall and the accuracy climb."),
    },
    { { NULL } },
    "step4-train.c",
    N_("Train the shapes network"), "train", "shapes-run",
  },
  {
    N_("The mathematics"),
    {
      N_("The same ideas, written the way the textbooks write them. <i>X</i> is the input, <i>K</i> the kernel, <i>b</i> its bias, <i>s</i> the stride (how far the window jumps) and <i>Y</i> the output."),
    },
    {
      { N_("<i>Y</i>[<i>i</i>, <i>j</i>] = Σ<sub><i>c</i></sub> Σ<sub><i>m</i></sub> Σ<sub><i>n</i></sub> <i>X</i>[<i>i</i>·<i>s</i> + <i>m</i>, <i>j</i>·<i>s</i> + <i>n</i>, <i>c</i>] · <i>K</i>[<i>m</i>, <i>n</i>, <i>c</i>] + <i>b</i>"),
        N_("Convolution: multiply the patch by the kernel, add it all up, add the bias. Each kernel gives one feature map; the maps are stacked for the next layer.") },
      { N_("<i>H</i><sub>out</sub> = (<i>H</i> − <i>k</i><sub>H</sub>) / <i>s</i> + 1        <i>W</i><sub>out</sub> = (<i>W</i> − <i>k</i><sub>W</sub>) / <i>s</i> + 1"),
        N_("Output size without padding: a 5 × 5 input and a 3 × 3 kernel give (5 − 3) / 1 + 1 = 3. With “same” padding the size stays as it was.") },
      { N_("parameters = <i>k</i><sub>H</sub> × <i>k</i><sub>W</sub> × <i>C</i><sub>in</sub> × <i>C</i><sub>out</sub> + <i>C</i><sub>out</sub>"),
        N_("Weights plus one bias per kernel, whatever the size of the picture: 3 × 3 × 1 × 8 + 8 = 80.") },
      { N_("<i>y</i>[<i>i</i>, <i>j</i>] = max<sub><i>m</i>, <i>n</i> ∈ window</sub> <i>x</i>[<i>i</i>·<i>s</i> + <i>m</i>, <i>j</i>·<i>s</i> + <i>n</i>]"),
        N_("Max pooling keeps the largest value of each window. (Average pooling takes the mean: smoother, but it blurs sharp edges.)") },
      { N_("ReLU(<i>x</i>) = max(0, <i>x</i>)"),
        N_("ReLU turns a negative answer (“this feature is not here”) into 0 and lets positive ones through. It is cheap and its gradient does not fade away.") },
      { N_("∂<i>L</i>/∂<i>K</i>[<i>m</i>, <i>n</i>] = Σ<sub><i>i</i>, <i>j</i></sub> ∂<i>L</i>/∂<i>Y</i>[<i>i</i>, <i>j</i>] · <i>X</i>[<i>i</i>·<i>s</i> + <i>m</i>, <i>j</i>·<i>s</i> + <i>n</i>]"),
        N_("Backpropagation: because one kernel is used at every position, its gradient adds up the contributions of all positions.") },
      { N_("<i>K</i> ← <i>K</i> − η · ∂<i>L</i>/∂<i>K</i>        <i>b</i> ← <i>b</i> − η · ∂<i>L</i>/∂<i>b</i>"),
        N_("The update: take a small step, of size η (the learning rate), against the gradient.") },
    },
    NULL,
    N_("Check the sum with real numbers"), "convolution", "step",
  },
  {
    N_("Famous networks"),
    {
      N_("<b>LeNet-5 (1998).</b> The first convolutional network put to real work: reading handwritten digits. Two convolutional layers and three fully connected ones — the pattern every later network follows."),
      N_("<b>AlexNet (2012).</b> Won the ImageNet competition and started the deep-learning era. It brought ReLU, dropout and data augmentation, and cut the top-5 error to <b>15.3%</b>."),
      N_("<b>VGG (2014).</b> Only small 3 × 3 kernels, but many layers — <b>16 to 19</b> — showing that depth is what makes a network good."),
      N_("<b>ResNet (2015).</b> Skip connections let the signal jump over layers, so even very deep networks still learn. <b>152 layers</b>, and a top-5 error of <b>3.57%</b>."),
    },
    { { NULL } },
    NULL,
    N_("Train a small LeNet-style network on digits"), "train", "digits",
  },
};

struct _ConvolveLearnPage
{
  GtkWidget  parent_instance;

  /* children */
  GtkWidget *paned;
  GtkWidget *stack;
  GtkWidget *sidebar;     /* GtkListBox, one row per lesson */
};

G_DEFINE_FINAL_TYPE (ConvolveLearnPage, convolve_learn_page, GTK_TYPE_WIDGET)

enum {
  TRY_IT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
load_code (const char *file)
{
  g_autofree char *path = g_strconcat (LESSON_RESOURCE, file, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  const char *text;
  const char *start;
  gsize len;

  if (bytes == NULL)
    return g_strdup ("");
  text = g_bytes_get_data (bytes, &len);
  /* The licence line is for the repository, not for the lesson. */
  start = text;
  if (g_str_has_prefix (start, "/* SPDX"))
    {
      const char *nl = memchr (start, '\n', len);
      if (nl != NULL)
        start = nl + 1;
    }
  return g_strchomp (g_strndup (start, len - (gsize) (start - text)));
}

static void
try_it_clicked_cb (GtkButton         *button,
                   ConvolveLearnPage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "lesson"));

  g_signal_emit (self, signals[TRY_IT], 0, lessons[index].try_page, lessons[index].try_preset);
}

static GtkWidget *
paragraph (const char *markup,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
build_lesson (ConvolveLearnPage *self,
              guint              index)
{
  const Lesson *lesson = &lessons[index];
  GtkWidget *scroller, *clamp, *box, *title, *button, *nav;
  g_autofree char *counter = NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_add_css_class (box, "convolve-lesson");
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);

  /* Translators: which lesson this is, e.g. "Lesson 3 of 10" */
  counter = g_strdup_printf (_("Lesson %u of %u"), index + 1, (guint) G_N_ELEMENTS (lessons));
  title = gtk_label_new (counter);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_box_append (GTK_BOX (box), title);

  title = gtk_label_new (_(lesson->title));
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, 1,
                                  -1);
  gtk_box_append (GTK_BOX (box), title);

  for (guint i = 0; i < MAX_PARAGRAPHS && lesson->paragraphs[i] != NULL; i++)
    gtk_box_append (GTK_BOX (box), paragraph (_(lesson->paragraphs[i]), "convolve-lesson-body"));

  for (guint i = 0; i < MAX_FORMULAS && lesson->formulas[i].markup != NULL; i++)
    {
      GtkWidget *formula = paragraph (_(lesson->formulas[i].markup), "convolve-math");

      gtk_label_set_wrap (GTK_LABEL (formula), TRUE);
      gtk_label_set_xalign (GTK_LABEL (formula), 0.5f);
      gtk_label_set_justify (GTK_LABEL (formula), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (formula, "card");
      gtk_box_append (GTK_BOX (box), formula);
      if (lesson->formulas[i].caption != NULL)
        gtk_box_append (GTK_BOX (box), paragraph (_(lesson->formulas[i].caption), "convolve-lesson-body"));
    }

  if (lesson->code != NULL)
    {
      g_autofree char *code = load_code (lesson->code);
      GtkWidget *code_label = gtk_label_new (code);
      GtkWidget *code_scroller = gtk_scrolled_window_new ();

      gtk_label_set_xalign (GTK_LABEL (code_label), 0.0f);
      gtk_label_set_selectable (GTK_LABEL (code_label), TRUE);
      gtk_widget_add_css_class (code_label, "convolve-code");
      gtk_accessible_update_property (GTK_ACCESSIBLE (code_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"),
                                      -1);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (code_scroller), code_label);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (code_scroller),
                                      GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
      gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (code_scroller), TRUE);
      gtk_widget_add_css_class (code_scroller, "card");
      gtk_box_append (GTK_BOX (box), code_scroller);
    }

  nav = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (nav, 12);
  button = gtk_button_new ();
  {
    GtkWidget *label = gtk_label_new (_(lesson->try_label));
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
    gtk_button_set_child (GTK_BUTTON (button), label);
  }
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* Translators: the accessible name of a lesson's "Try it" button */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Try it"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(lesson->try_label),
                                  -1);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  g_object_set_data (G_OBJECT (button), "lesson", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (try_it_clicked_cb), self);
  gtk_box_append (GTK_BOX (nav), button);

  button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (button, _("Previous lesson"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Previous lesson"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "learn.previous");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (nav), button);
  button = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_tooltip_text (button, _("Next lesson"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Next lesson"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "learn.next");
  gtk_box_append (GTK_BOX (nav), button);
  gtk_box_append (GTK_BOX (box), nav);

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 960);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  return scroller;
}

static void
update_nav (ConvolveLearnPage *self)
{
  guint index = convolve_learn_page_get_lesson (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "learn.previous", index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "learn.next", index + 1 < G_N_ELEMENTS (lessons));
}

static void
visible_child_cb (GtkStack          *stack,
                  GParamSpec        *pspec,
                  ConvolveLearnPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->sidebar),
                                                      (int) convolve_learn_page_get_lesson (self));

  if (row != NULL && gtk_list_box_get_selected_row (GTK_LIST_BOX (self->sidebar)) != row)
    gtk_list_box_select_row (GTK_LIST_BOX (self->sidebar), row);
  update_nav (self);
}

static void
row_selected_cb (GtkListBox        *list,
                 GtkListBoxRow     *row,
                 ConvolveLearnPage *self)
{
  if (row != NULL)
    convolve_learn_page_show_lesson (self, (guint) gtk_list_box_row_get_index (row));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConvolveLearnPage *self = CONVOLVE_LEARN_PAGE (widget);
  guint index = convolve_learn_page_get_lesson (self);

  if (index > 0)
    convolve_learn_page_show_lesson (self, index - 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConvolveLearnPage *self = CONVOLVE_LEARN_PAGE (widget);

  convolve_learn_page_show_lesson (self, convolve_learn_page_get_lesson (self) + 1);
}

static void
convolve_learn_page_dispose (GObject *object)
{
  ConvolveLearnPage *self = CONVOLVE_LEARN_PAGE (object);

  g_clear_pointer (&self->paned, gtk_widget_unparent);

  G_OBJECT_CLASS (convolve_learn_page_parent_class)->dispose (object);
}

static void
convolve_learn_page_class_init (ConvolveLearnPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = convolve_learn_page_dispose;

  /**
   * ConvolveLearnPage::try-it:
   * @page: the page to open ("convolution", "draw", "train")
   * @preset: what that page should show (see the header)
   */
  signals[TRY_IT] =
    g_signal_new ("try-it", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "learn.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "learn.next", NULL, next_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "learn.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "learn.next", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convolve-learn-page");
}

static void
convolve_learn_page_init (ConvolveLearnPage *self)
{
  GtkWidget *sidebar_scroller;

  convolve_train_style_ensure ();

  self->stack = gtk_stack_new ();
  gtk_stack_set_hhomogeneous (GTK_STACK (self->stack), FALSE);
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_hexpand (self->stack, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (lessons); i++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "lesson-%u", i);
      gtk_stack_add_titled (GTK_STACK (self->stack), build_lesson (self, i), name, _(lessons[i].title));
    }
  g_signal_connect (self->stack, "notify::visible-child", G_CALLBACK (visible_child_cb), self);

  /* The list of lessons; titles wrap, so the list stays narrow. */
  self->sidebar = gtk_list_box_new ();
  gtk_widget_add_css_class (self->sidebar, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sidebar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Lessons"),
                                  -1);
  for (guint i = 0; i < G_N_ELEMENTS (lessons); i++)
    {
      GtkWidget *label = gtk_label_new (_(lessons[i].title));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      gtk_widget_add_css_class (label, "convolve-lesson-title");
      gtk_list_box_append (GTK_LIST_BOX (self->sidebar), label);
    }
  g_signal_connect (self->sidebar, "row-selected", G_CALLBACK (row_selected_cb), self);
  gtk_list_box_select_row (GTK_LIST_BOX (self->sidebar),
                           gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->sidebar), 0));
  sidebar_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (sidebar_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (sidebar_scroller), self->sidebar);
  gtk_widget_set_size_request (sidebar_scroller, 200, -1);

  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (self->paned), sidebar_scroller);
  gtk_paned_set_end_child (GTK_PANED (self->paned), self->stack);
  gtk_paned_set_resize_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_position (GTK_PANED (self->paned), 250);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
  update_nav (self);
}

GtkWidget *
convolve_learn_page_new (void)
{
  return g_object_new (CONVOLVE_TYPE_LEARN_PAGE, NULL);
}

guint
convolve_learn_page_get_n_lessons (ConvolveLearnPage *self)
{
  return G_N_ELEMENTS (lessons);
}

void
convolve_learn_page_show_lesson (ConvolveLearnPage *self,
                                 guint              index)
{
  char name[16];

  g_return_if_fail (CONVOLVE_IS_LEARN_PAGE (self));
  if (index >= G_N_ELEMENTS (lessons))
    return;
  g_snprintf (name, sizeof name, "lesson-%u", index);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), name);
}

guint
convolve_learn_page_get_lesson (ConvolveLearnPage *self)
{
  const char *name;

  g_return_val_if_fail (CONVOLVE_IS_LEARN_PAGE (self), 0);
  name = gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
  if (name == NULL || !g_str_has_prefix (name, "lesson-"))
    return 0;
  return (guint) g_ascii_strtoull (name + strlen ("lesson-"), NULL, 10);
}

void
convolve_learn_page_get_try_it (ConvolveLearnPage *self,
                                guint              index,
                                const char       **page,
                                const char       **preset)
{
  g_return_if_fail (index < G_N_ELEMENTS (lessons));
  if (page != NULL)
    *page = lessons[index].try_page;
  if (preset != NULL)
    *preset = lessons[index].try_preset;
}
