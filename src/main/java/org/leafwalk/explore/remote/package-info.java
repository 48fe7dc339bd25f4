/**
 * The compute service over the network: {@code leafwalk serve} ({@link org.leafwalk.explore.remote.ComputeServer},
 * a session per client) and its client ({@link org.leafwalk.explore.remote.RemoteExploration}, the window's
 * {@link org.leafwalk.explore.service.Exploration}). Owns the wire format, tokens, TLS and limits; may use service,
 * session, subject, export, walk and failure. The only room that speaks gRPC.
 */
package org.leafwalk.explore.remote;
