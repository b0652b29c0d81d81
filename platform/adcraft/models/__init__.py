"""Models: conversion (XGBoost), later the embedder, retrieval and the copy generator."""
