"""Pure analytics for Tightrope: pandas frames in, frames or small typed values out."""
