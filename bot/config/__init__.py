"""Configuration: a TOML file, validated once at start."""

from bot.config.loader import load_config, parse_config
from bot.config.model import Config
from bot.config.reader import ConfigError

__all__ = ["Config", "ConfigError", "load_config", "parse_config"]
