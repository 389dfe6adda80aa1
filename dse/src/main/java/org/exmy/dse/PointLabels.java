package org.exmy.dse;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.knowm.xchart.internal.chartpart.Annotation;

/**
 * Text labels next to data points of an XChart plot, placed so that they overlap neither each
 * other, nor the points, nor the plot's edge where that can be helped. XChart has no per-point
 * labels, and its {@code AnnotationText} centres its text on the point and draws it as glyph
 * outlines; this draws real text ({@code drawString}), so an SVG holds the labels as {@code <text>}
 * elements.
 *
 * <p>Placement is greedy, labels on the front first: each label takes the first of a fixed list of
 * positions around its point (right, left, above, below, the diagonals, then the same further away
 * with a thin leader line) that collides with nothing placed so far (labels, points, the plot's
 * lines) and is nearer to its own point than to any other; if none is free, the position with the
 * least overlap, with a leader line to its point.
 */
final class PointLabels extends Annotation {
  /**
   * A label: data coordinates of its point, the text, and whether it is emphasised (bold, black).
   */
  record Label(double x, double y, String text, boolean strong) {}

  private static final int GAP = 5;
  private static final int MARKER = 5; // half the size of the box kept free around every point
  private static final int RINGS = 8; // distances tried: up to GAP + MARKER + 7 * 1.6 label heights
  // 11 px, not 12: VectorGraphics2D leaves the font size out of the SVG for its default of 12,
  // and browsers then draw the text at their own default (16 px)
  private static final Font PLAIN = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Font BOLD = new Font(Font.SANS_SERIF, Font.BOLD, 11);

  private final List<Label> labels;
  private final List<double[]> points;
  private final List<double[][]> lines;

  /**
   * @param labels the labels
   * @param points every point drawn in the plot (data coordinates {x, y}), labelled or not: labels
   *     keep clear of them
   * @param lines the plot's polylines ({xs, ys} in data coordinates): labels avoid crossing them
   */
  PointLabels(List<Label> labels, List<double[]> points, List<double[][]> lines) {
    super(false);
    this.labels = List.copyOf(labels);
    this.points = List.copyOf(points);
    this.lines = List.copyOf(lines);
  }

  @Override
  public void paint(Graphics2D g) {
    if (!isVisible || labels.isEmpty()) {
      return;
    }
    Object aa = g.getRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    double left = Math.min(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
    double right = Math.max(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
    double top = Math.min(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
    double bottom = Math.max(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
    Rectangle2D plot = new Rectangle2D.Double(left, top, right - left, bottom - top);

    List<Rectangle2D> taken = new ArrayList<>();
    List<Point2D> screen = new ArrayList<>();
    for (double[] p : points) {
      double sx = getXAxisScreenValue(p[0]);
      double sy = getYAxisScreenValue(p[1]);
      screen.add(new Point2D.Double(sx, sy));
      taken.add(new Rectangle2D.Double(sx - MARKER, sy - MARKER, 2 * MARKER, 2 * MARKER));
    }
    List<Line2D> segments = new ArrayList<>();
    for (double[][] l : lines) {
      for (int i = 1; i < l[0].length; i++) {
        segments.add(
            new Line2D.Double(
                getXAxisScreenValue(l[0][i - 1]),
                getYAxisScreenValue(l[1][i - 1]),
                getXAxisScreenValue(l[0][i]),
                getYAxisScreenValue(l[1][i])));
      }
    }
    List<Label> order = new ArrayList<>(labels);
    order.sort(Comparator.comparing((Label l) -> !l.strong()).thenComparingDouble(Label::x));
    List<Rectangle2D> boxes = new ArrayList<>();
    List<Line2D> leaders = new ArrayList<>();
    for (Label l : order) {
      FontMetrics fm = g.getFontMetrics(l.strong() ? BOLD : PLAIN);
      double w = fm.stringWidth(l.text());
      double h = fm.getAscent() + fm.getDescent();
      double px = getXAxisScreenValue(l.x());
      double py = getYAxisScreenValue(l.y());
      Rectangle2D best = null;
      Line2D bestLeader = null;
      double bestScore = Double.POSITIVE_INFINITY;
      for (int ring = 0; ring < RINGS && bestScore > 0; ring++) {
        double d = GAP + MARKER + ring * 1.6 * h;
        for (Rectangle2D c : ring == 0 ? near(px, py, w, h, d) : around(px, py, w, h, d)) {
          // close to its point a label needs no leader line, but must not look like another point's
          Line2D leader = ring == 0 ? null : leader(px, py, c);
          double score =
              overlap(c, taken)
                  + outside(c, plot) * 4
                  + crossings(c, segments)
                  + (leader == null
                      ? (nearerToAnother(c, px, py, screen) ? area(c) : 0)
                      : crossed(leader, taken, px, py));
          if (score < bestScore) {
            best = c;
            bestLeader = leader;
            bestScore = score;
          }
        }
      } // the loop ends at the first ring with a free place (score 0): its first free place is kept
      taken.add(best);
      boxes.add(best);
      if (bestLeader != null) {
        segments.add(bestLeader);
        leaders.add(bestLeader);
      }
    }
    g.setColor(new Color(120, 120, 120));
    g.setStroke(new BasicStroke(0.6f));
    for (Line2D leader : leaders) {
      g.draw(leader);
    }
    for (int i = 0; i < order.size(); i++) {
      Label l = order.get(i);
      Rectangle2D box = boxes.get(i);
      Font font = l.strong() ? BOLD : PLAIN;
      g.setColor(new Color(255, 255, 255, 170));
      g.fill(box);
      g.setFont(font);
      g.setColor(l.strong() ? Color.BLACK : new Color(70, 70, 70));
      g.drawString(
          l.text(),
          (float) box.getMinX(),
          (float) (box.getMinY() + g.getFontMetrics(font).getAscent()));
    }
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, aa);
  }

  /** Boxes for a w x h label at distance d from (px, py): right, left, above, below, diagonals. */
  private static List<Rectangle2D> near(double px, double py, double w, double h, double d) {
    double diag = d * 0.75;
    return List.of(
        new Rectangle2D.Double(px + d, py - h / 2, w, h),
        new Rectangle2D.Double(px - d - w, py - h / 2, w, h),
        new Rectangle2D.Double(px - w / 2, py - d - h, w, h),
        new Rectangle2D.Double(px - w / 2, py + d, w, h),
        new Rectangle2D.Double(px + diag, py - diag - h, w, h),
        new Rectangle2D.Double(px + diag, py + diag, w, h),
        new Rectangle2D.Double(px - diag - w, py - diag - h, w, h),
        new Rectangle2D.Double(px - diag - w, py + diag, w, h));
  }

  /** Boxes in 16 directions around (px, py), their nearest edge about d away. */
  private static List<Rectangle2D> around(double px, double py, double w, double h, double d) {
    List<Rectangle2D> out = new ArrayList<>();
    for (int k = 0; k < 16; k++) {
      double a = k * Math.PI / 8;
      double cx = px + Math.cos(a) * (d + w / 2 * Math.abs(Math.cos(a)));
      double cy = py - Math.sin(a) * (d + h / 2 * Math.abs(Math.sin(a)));
      out.add(new Rectangle2D.Double(cx - w / 2, cy - h / 2, w, h));
    }
    return out;
  }

  /** The line from a point to the nearest point of its label's box. */
  private static Line2D leader(double px, double py, Rectangle2D box) {
    double ex = Math.max(box.getMinX(), Math.min(px, box.getMaxX()));
    double ey = Math.max(box.getMinY(), Math.min(py, box.getMaxY()));
    return new Line2D.Double(px, py, ex, ey);
  }

  /** A leader line through another label or marker costs like a line through the label. */
  private static double crossed(Line2D leader, List<Rectangle2D> taken, double px, double py) {
    double sum = 0;
    for (Rectangle2D t : taken) {
      if (!t.contains(px, py) && leader.intersects(t)) {
        sum += area(t) / 3;
      }
    }
    return sum;
  }

  private static double overlap(Rectangle2D c, List<Rectangle2D> taken) {
    double sum = 0;
    for (Rectangle2D t : taken) {
      Rectangle2D i = c.createIntersection(t);
      if (i.getWidth() > 0 && i.getHeight() > 0) {
        sum += area(i);
      }
    }
    return sum;
  }

  private static double area(Rectangle2D r) {
    return r.getWidth() * r.getHeight();
  }

  /**
   * True when some other point is nearer to the box than its own point (px, py): the label would
   * mislead.
   */
  private static boolean nearerToAnother(
      Rectangle2D c, double px, double py, List<Point2D> points) {
    double own = distance(c, px, py);
    for (Point2D q : points) {
      boolean self = Math.abs(q.getX() - px) < 0.5 && Math.abs(q.getY() - py) < 0.5;
      if (!self && distance(c, q.getX(), q.getY()) < own) {
        return true;
      }
    }
    return false;
  }

  private static double distance(Rectangle2D c, double x, double y) {
    double dx = Math.max(0, Math.max(c.getMinX() - x, x - c.getMaxX()));
    double dy = Math.max(0, Math.max(c.getMinY() - y, y - c.getMaxY()));
    return Math.hypot(dx, dy);
  }

  /** A line through a label costs a third of the label's area per segment. */
  private static double crossings(Rectangle2D c, List<Line2D> segments) {
    double sum = 0;
    for (Line2D s : segments) {
      if (s.intersects(c)) {
        sum += c.getWidth() * c.getHeight() / 3;
      }
    }
    return sum;
  }

  private static double outside(Rectangle2D c, Rectangle2D plot) {
    Rectangle2D i = c.createIntersection(plot);
    double inside = i.getWidth() > 0 && i.getHeight() > 0 ? i.getWidth() * i.getHeight() : 0;
    return c.getWidth() * c.getHeight() - inside;
  }
}
