// Reads an exported file with the parsers the target tools use and prints what they see, as JSON.
//
//   node read_graph.js gexf FILE      graphology-gexf, as Gephi Lite opens a GEXF file
//   node read_graph.js graphml FILE   graphology-graphml, as Gephi Lite opens a GraphML file
//   node read_graph.js cytoscape FILE cytoscape headless, with the file's own style and layout applied
//   node read_graph.js gexf-resaved FILE  the GEXF text graphology-gexf writes after reading FILE,
//                                         as Gephi Lite saves a GEXF file it opened
//
// Output: {"nodes": [{"key", "attributes"}], "edges": [{"key", "source", "target", "attributes"}]}
// (for cytoscape, each node also has "style": the computed background colour, shape and size).
"use strict";

const fs = require("fs");

function graphologyDump(graph) {
  const nodes = [];
  graph.forEachNode((key, attributes) => nodes.push({ key, attributes }));
  const edges = [];
  graph.forEachEdge((key, attributes, source, target) => edges.push({ key, source, target, attributes }));
  return { nodes, edges, type: graph.type, multi: graph.multi };
}

function readGexf(text) {
  const { MultiGraph } = require("graphology");
  const gexf = require("graphology-gexf");
  return graphologyDump(gexf.parse(MultiGraph, text, { addMissingNodes: true, allowUndeclaredAttributes: true }));
}

function readGraphml(text) {
  const { MultiGraph } = require("graphology");
  const graphml = require("graphology-graphml");
  return graphologyDump(graphml.parse(MultiGraph, text, { addMissingNodes: true }));
}

function readCytoscape(text) {
  const cytoscape = require("cytoscape");
  const document = JSON.parse(text);
  const cy = cytoscape({ headless: true, styleEnabled: true, elements: document.elements, style: document.style,
    layout: document.layout });
  const nodes = cy.nodes().map((node) => ({
    key: node.id(),
    attributes: node.data(),
    position: node.position(),
    style: {
      "background-color": node.style("background-color"),
      shape: node.style("shape"),
      width: node.style("width"),
      label: node.style("label"),
    },
  }));
  const edges = cy.edges().map((edge) => ({
    key: edge.id(),
    source: edge.source().id(),
    target: edge.target().id(),
    attributes: edge.data(),
    style: { "line-style": edge.style("line-style"), "target-arrow-shape": edge.style("target-arrow-shape") },
  }));
  cy.destroy();
  return { nodes, edges, styleRules: (document.style || []).length };
}

function resaveGexf(text) {
  const { MultiGraph } = require("graphology");
  const gexf = require("graphology-gexf");
  return gexf.write(gexf.parse(MultiGraph, text, { addMissingNodes: true, allowUndeclaredAttributes: true }));
}

const readers = { gexf: readGexf, graphml: readGraphml, cytoscape: readCytoscape };
const [kind, file] = process.argv.slice(2);
if (kind === "gexf-resaved" && file) {
  process.stdout.write(resaveGexf(fs.readFileSync(file, "utf8")), () => process.exit(0));
  return;
}
if (!readers[kind] || !file) {
  process.stderr.write("usage: node read_graph.js gexf|graphml|cytoscape|gexf-resaved FILE\n");
  process.exit(2);
}
// Exit once written: cytoscape keeps a timer running even headless.
process.stdout.write(JSON.stringify(readers[kind](fs.readFileSync(file, "utf8"))), () => process.exit(0));
