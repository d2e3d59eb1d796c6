package dev.fanout.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/// A chart parsed by the JDK's XML parser (which fails on anything not well-formed), with
/// look-ups by element name and by class.
record ParsedSvg(Document document) {
    static ParsedSvg parse(String svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
            assertEquals("svg", document.getDocumentElement().getTagName());
            return new ParsedSvg(document);
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + svg, e);
        }
    }

    Element root() {
        return document.getDocumentElement();
    }

    List<Element> named(String name) {
        NodeList nodes = document.getElementsByTagName(name);
        List<Element> elements = new ArrayList<>(nodes.getLength());
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    /// Every element whose `class` attribute has `cssClass` among its words, in document order.
    List<Element> withClass(String cssClass) {
        return named("*").stream()
                .filter(e -> Arrays.asList(e.getAttribute("class").split(" ")).contains(cssClass))
                .toList();
    }

    /// The text of every element with `cssClass`.
    List<String> texts(String cssClass) {
        return withClass(cssClass).stream().map(Element::getTextContent).toList();
    }

    /// The y of the gridline whose label reads `label` (a y-axis tick).
    double yOfTick(String label) {
        return Double.parseDouble(tickLine(label, "y").getAttribute("y1"));
    }

    /// The x of the gridline whose label reads `label` (an x-axis tick).
    double xOfTick(String label) {
        return Double.parseDouble(tickLine(label, "x").getAttribute("x1"));
    }

    private Element tickLine(String label, String axis) {
        for (Element tick : withClass("tick")) {
            if (!Arrays.asList(tick.getAttribute("class").split(" ")).contains(axis)) {
                continue;
            }
            Element text = (Element) tick.getElementsByTagName("text").item(0);
            if (text.getTextContent().equals(label)) {
                return (Element) tick.getElementsByTagName("line").item(0);
            }
        }
        throw new AssertionError("no " + axis + " tick labelled " + label + " among " + texts(axis + "tick"));
    }

    /// The points of a polyline as `{x, y}` pairs.
    static List<double[]> points(Element polyline) {
        String points = polyline.getAttribute("points").strip();
        if (points.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(points.split(" "))
                .map(p -> p.split(","))
                .map(p -> new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])})
                .toList();
    }
}
