// module config
