/**
 * Dataset readers: IDX (MNIST style, plain or gzip), NumPy .npy and .npz, and {@link
 * org.exmy.nn.data.Dataset} with its validation. Readers check every declared size against the
 * bytes actually present before allocating, and never unpickle.
 */
package org.exmy.nn.data;
