"""The license knowledge base: SPDX expression parsing now, license terms later."""
